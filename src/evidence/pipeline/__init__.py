"""Running an analysis: the corpus steps the notebooks call (``analysis``), the headless notebook runner
(``notebooks``), the run manifest (``manifest``), re-execution and comparison (``reproduce``) and JupyterLab
(``lab``). Imports point down only: manifest <- notebooks <- reproduce."""
