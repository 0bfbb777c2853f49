"""Mixed methods: themes beside the numbers.

A recipe (each step is one call; every function takes and returns tidy pandas DataFrames)::

    from evidence.project import Project
    from evidence.mixed.outcomes import load_outcomes
    from evidence.mixed.linking import link_cases, read_name_to_urn
    from evidence.mixed.quantitise import case_by_code, write_case_by_code
    from evidence.mixed.effects import tutoring_effects
    from evidence.mixed.theme_outcomes import case_outcomes, theme_outcomes, theme_by_school
    from evidence.mixed.joint import joint_display, joint_display_html
    from evidence.mixed.voice import before_after, stance_change

    project = Project.open("my-project")
    segments, codings = project.segments(), project.codings()
    pupils = load_outcomes("quant/pupils.csv")                    # InputError names file, row, column
    ks4 = load_outcomes("quant/schools_ks4.csv", "dfe-ks4")       # DfE codes kept in ks4.status
    links = link_cases(segments, pupils=pupils.frame, schools=ks4.frame,
                       name_to_urn=read_name_to_urn("quant/school_urns.csv"))
    links.unlinked                                                # what did not link, and why
    effects = tutoring_effects(pupils.frame, by="disadvantaged")  # Hedges' g, 95% CI, EEF months
    cases = case_by_code(segments, codings)                       # case x code: count, presence, share
    outcomes = theme_outcomes(cases, case_outcomes(pupils.frame, links.mapping("pupil")))
    groups = dict(zip(pupils.frame["pupil_id"], pupils.frame["group"]))
    table = joint_display(segments, codings, codes=project.codes(), outcomes=outcomes,
                          groups={case: groups[p] for case, p in links.mapping("pupil").items()})
    html = joint_display_html(table)
    voice = before_after(segments, codings)                       # codes that appear / vanish

Modules: :mod:`.outcomes` and :mod:`.dfe` (loading; :mod:`.tables` holds the shared reading and
status-code handling; :mod:`.saved` keeps a checked table in ``PROJECT/private/outcomes/``),
:mod:`.linking`, :mod:`.quantitise`, :mod:`.effects`, :mod:`.theme_outcomes`, :mod:`.joint`,
:mod:`.voice`. Each module's docstring states its formulas and counting rules.
"""
