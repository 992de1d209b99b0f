"""Search across a workspace: objectives, key results, KPIs, people and teams (docs/navigation.md)."""
