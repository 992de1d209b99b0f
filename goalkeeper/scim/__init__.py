"""SCIM 2.0 provisioning: an identity provider keeps a workspace's people and teams.

See docs/scim.md.
"""
