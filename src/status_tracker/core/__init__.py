"""The pure domain: states, events, correlation and id normalisation.

Nothing here does I/O or reads a clock; time always comes in as a parameter.
"""
