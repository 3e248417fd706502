"""EDIZ — Ervaren Druk door Informele Zorg: the burden a mantelzorger feels, nine statements, scored 0–9.

Source: Pot, A.M., Van Dyck, R. & Deeg, D.J.H. (1995). Ervaren druk door informele zorg; constructie van een
schaal. Tijdschrift voor Gerontologie en Geriatrie 26, 214–219. The items (vocab.EDIZ_ITEMS) and the scoring
are as on the published form ("Zorgbelasting (EDIZ)", e.g. https://studylibnl.com/doc/945570/zorgbelasting--ediz-):
each statement is answered Nee! / Nee / Min of meer / Ja / Ja! (here 0–4); "Reken 1 punt voor alle vragen
waarop Ja!, Ja of Min [of meer] is geantwoord. De antwoordcategorieën Nee! en Nee worden met een 0 gescoord";
the scale score is the sum, 0–9, higher meaning more burden.

The cut-off for a high burden, a score of 7 or more, is the one in common Dutch practice for the 9-item EDIZ;
the form above does not state one, so it is a named constant here (HIGH_FROM), not a finding of the paper.
(The 15-item EDIZ-plus of De Boer et al. 2012 is a different scale with its own cut-off of 9; not used here.)
"""
from dataclasses import dataclass

ITEMS = 9
ANSWER_MAX = 4           # 0 Nee!, 1 Nee, 2 Min of meer, 3 Ja, 4 Ja!
POINT_FROM = 2           # "Min of meer", "Ja" and "Ja!" score one point; "Nee!" and "Nee" none
HIGH_FROM = 7            # a score of 7–9 is a high burden: the episode and the handover say so


@dataclass(frozen=True)
class EdizResult:
    score: int
    high: bool
    points: tuple[int, ...]


def score(answers: list[int]) -> EdizResult:
    """Return the EDIZ score of nine answers 0–4 (each item dichotomised, then summed) and whether it is high."""
    if len(answers) != ITEMS or any(not isinstance(a, int) or not 0 <= a <= ANSWER_MAX for a in answers):
        raise ValueError("EDIZ takes nine answers from 0 to 4")
    points = tuple(1 if answer >= POINT_FROM else 0 for answer in answers)
    total = sum(points)
    return EdizResult(score=total, high=total >= HIGH_FROM, points=points)
