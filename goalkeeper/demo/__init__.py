"""The demo company: a believable mid-size business with OKRs, KPIs and their history.

`loader.load_demo` is the entry point (called by `goalkeeper demo`); `catalog` holds the
names, titles and definitions, `org`, `series` and `okrs` plan the rows in memory from one
seed, and `loader` writes them in bulk inside one transaction.
"""
