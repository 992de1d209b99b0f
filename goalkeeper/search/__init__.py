"""Search across a workspace: objectives, key results, KPIs, people, teams (docs/navigation.md)."""
