"""The works a recommendation cites: short key, full citation, and its entry in docs/evidence.md.

A rule names its evidence by short key ("Cheung 2003"); the day object carries each as
``{"key", "citation", "url"}``, where ``url`` is the work's anchor in ``docs/evidence.md`` (which
also says what each work supports). The four source articles the product comes from are cited by
their title and publisher, like the studies. A test keeps this table, the rules and
docs/evidence.md in step.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["EVIDENCE", "EVIDENCE_DOC", "Evidence", "anchor", "evidence"]

#: Where the evidence entries live, relative to the repository root.
EVIDENCE_DOC = "docs/evidence.md"


def anchor(key: str) -> str:
    """The key's anchor in :data:`EVIDENCE_DOC`: lower case, other characters as one hyphen
    ("Diego & Field 2009" → "diego-field-2009")."""
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


@dataclass(frozen=True, slots=True)
class Evidence:
    """One cited work: its short key and full citation."""

    key: str
    citation: str

    @property
    def url(self) -> str:
        return f"{EVIDENCE_DOC}#{anchor(self.key)}"

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "citation": self.citation, "url": self.url}


_CITATIONS: dict[str, str] = {
    # --- the four source articles ---
    "Massage vs. Assisted Stretching": (
        "Massage vs. Assisted Stretching: How to Choose. Web article by a stretch coach and "
        "massage therapist (the author and site are not named in the copy the project holds)."
    ),
    "Benefits of Therapeutic Massage": (
        "The benefits of therapeutic massage, and how it differs from relaxation massage "
        "(untitled in the project's copy). Preferred Regen ATL, web article."
    ),
    "Physiotherapy vs Massage Therapy": (
        "Physiotherapy vs massage therapy: when pain keeps returning (untitled in the project's "
        "copy). Dynamic Physiotherapy, Mississauga, web article (dynamicphysiotherapy.ca)."
    ),
    "Therapeutic vs Relaxation Massage": (
        "Therapeutic Massage vs Massage Therapy for Relaxation – What to Pick? BestyBesty, web "
        "article."
    ),
    # --- studies ---
    "Afonso 2021": (
        "Afonso J et al. (2021). The effectiveness of post-exercise stretching in short-term and "
        "delayed recovery of strength, range of motion and delayed onset muscle soreness: a "
        "systematic review and meta-analysis of randomized controlled trials. Frontiers in "
        "Physiology 12:677581."
    ),
    "Arroyo-Morales 2008": (
        "Arroyo-Morales M et al. (2008). Effects of myofascial release after high-intensity "
        "exercise: a randomized clinical trial. Journal of Manipulative and Physiological "
        "Therapeutics 31(3):217–23."
    ),
    "Behm 2016": (
        "Behm DG et al. (2016). Acute effects of muscle stretching on physical performance, "
        "range of motion, and injury incidence in healthy active individuals: a systematic "
        "review. Applied Physiology, Nutrition, and Metabolism 41(1):1–11."
    ),
    "Bishop 2003": (
        "Bishop D (2003). Warm up I: potential mechanisms and the effects of passive warm up on "
        "exercise performance; Warm up II: performance changes following active warm up and how "
        "to structure the warm up. Sports Medicine 33(6):439–54; 33(7):483–98."
    ),
    "Cheung 2003": (
        "Cheung K, Hume PA, Maxwell L (2003). Delayed onset muscle soreness: treatment "
        "strategies and performance factors. Sports Medicine 33(2):145–64."
    ),
    "Clarsen 2013": (
        "Clarsen B, Myklebust G, Bahr R (2013). Development and validation of a new method for "
        "the registration of overuse injuries in sports injury epidemiology: the Oslo Sports "
        "Trauma Research Centre (OSTRC) overuse injury questionnaire. British Journal of Sports "
        "Medicine 47(8):495–502."
    ),
    "Davis 2020": (
        "Davis HL, Alabed S, Chico TJA (2020). Effect of sports massage on performance and "
        "recovery: a systematic review and meta-analysis. BMJ Open Sport & Exercise Medicine "
        "6(1):e000614."
    ),
    "Diego & Field 2009": (
        "Diego MA, Field T (2009). Moderate pressure massage elicits a parasympathetic nervous "
        "system response. International Journal of Neuroscience 119(5):630–8."
    ),
    "Dupuy 2018": (
        "Dupuy O et al. (2018). An evidence-based approach for choosing post-exercise recovery "
        "techniques to reduce markers of muscle damage, soreness, fatigue, and inflammation: a "
        "systematic review with meta-analysis. Frontiers in Physiology 9:403."
    ),
    "Guo 2017": (
        "Guo J et al. (2017). Massage alleviates delayed onset muscle soreness after strenuous "
        "exercise: a systematic review and meta-analysis. Frontiers in Physiology 8:747."
    ),
    "Herbert 2011": (
        "Herbert RD, de Noronha M, Kamper SJ (2011). Stretching to prevent or reduce muscle "
        "soreness after exercise. Cochrane Database of Systematic Reviews, CD004577."
    ),
    "Kapnia 2022": (
        "Kapnia AK et al. (2022). Impact of warm-up on muscle temperature and athletic "
        "performance. Research Quarterly for Exercise and Sport."
    ),
    "Le Meur 2013": (
        "Le Meur Y et al. (2013). Evidence of parasympathetic hyperactivity in functionally "
        "overreached athletes. Medicine & Science in Sports & Exercise 45(11):2061–71."
    ),
    "McGowan 2015": (
        "McGowan CJ et al. (2015). Warm-up strategies for sport and exercise: mechanisms and "
        "applications. Sports Medicine 45(11):1523–46."
    ),
    "Miller 2020": (
        "Miller DJ et al. (2020). Analyzing changes in respiratory rate to predict the risk of "
        "COVID-19 infection. PLoS One 15(12):e0243693."
    ),
    "Moyer 2004": (
        "Moyer CA, Rounds J, Hannum JW (2004). A meta-analysis of massage therapy research. "
        "Psychological Bulletin 130(1):3–18."
    ),
    "Plews 2012": (
        "Plews DJ, Laursen PB, Kilding AE, Buchheit M (2012). Heart rate variability in elite "
        "triathletes, is variation in variability the key to effective training? A case "
        "comparison. European Journal of Applied Physiology 112(11):3729–41."
    ),
    "Plews 2014": (
        "Plews DJ et al. (2014). Monitoring training with heart rate variability: how much "
        "compliance is needed for valid assessment? International Journal of Sports Physiology "
        "and Performance 9(5):783–90."
    ),
    "Smarr 2020": (
        "Smarr BL et al. (2020). Feasibility of continuous fever monitoring using wearable "
        "devices. Scientific Reports 10:21640."
    ),
    "Van Dongen 2003": (
        "Van Dongen HPA, Maislin G, Mullington JM, Dinges DF (2003). The cumulative cost of "
        "additional wakefulness: dose-response effects on neurobehavioral functions and sleep "
        "physiology from chronic sleep restriction and total sleep deprivation. Sleep "
        "26(2):117–26."
    ),
}

#: Every work a rule may cite, by short key.
EVIDENCE: dict[str, Evidence] = {key: Evidence(key, text) for key, text in _CITATIONS.items()}


def evidence(keys: tuple[str, ...]) -> tuple[Evidence, ...]:
    """The cited works of ``keys`` (a rule's evidence); raises KeyError for an unknown key."""
    return tuple(EVIDENCE[key] for key in keys)
