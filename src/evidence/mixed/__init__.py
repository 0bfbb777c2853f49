"""Mixed methods: themes beside the numbers.

Load results tables (:mod:`.outcomes`, :mod:`.dfe`), link qualitative cases to them (:mod:`.linking`),
count codes per case (:mod:`.quantitise`), effect sizes with EEF months (:mod:`.effects`), themes
against outcomes (:mod:`.theme_outcomes`), the joint display (:mod:`.joint`) and before/after pupil
voice (:mod:`.voice`). Every function takes and returns tidy pandas DataFrames.
"""
