"""Learning from the athlete's own answers: "did it help?" feedback chooses among the options a
rule allows (``feedback``), with the scikit-learn model it fits (``model``)."""
