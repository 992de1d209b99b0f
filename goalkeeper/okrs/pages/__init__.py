"""Page builders for the OKR pages: each reads rows in a fixed number of queries and returns
a view model (`goalkeeper.okrs.view_models`), every number from the read model.

    home.home_view(...)              the person's week in one cycle
    board.cycle_board(...)           every objective of a cycle by team, filtered
    board.cycle_overview(...)        every objective of a cycle (the close page)
    alignment.alignment_tree(...)    the objectives of a cycle as a tree of parent links
    objective.objective_detail(...)  one objective: path, children, key results with
                                     forecasts, progress history, check-ins, coaching
"""
