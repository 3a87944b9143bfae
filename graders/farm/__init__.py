"""The farm: the slow animals web service that 01 and 05 talk to (`service`), what the graders
of its clients share (`clients`), and the fix that lets aioresponses mock it under aiohttp 3.14
(`aioresponses_fix`, used by 05's visible tests).

Who may import it: the suites of 01 and 05, 06's suite (the animals), the exercises' visible
tests. It uses the kit; the engine never imports it.
"""
