"""Hand-written "normal" reports: normal or near-normal studies. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        "The lungs are clear. No pleural effusion or pneumothorax. Heart size normal.",
        [
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
The cardiomediastinal silhouette is within normal limits. The lungs are clear without focal consolidation. No pleural effusion or pneumothorax. The visualized osseous structures are unremarkable.
IMPRESSION:
No acute cardiopulmonary abnormality.""",
        [
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
EXAMINATION: PA and lateral chest.
INDICATION: Pre-employment screening.
FINDINGS: Heart size and mediastinal contours are normal. Lungs are clear. No effusion. Small calcified granuloma in the right lower lobe, of no clinical significance.
IMPRESSION: Normal chest radiograph apart from a tiny calcified granuloma.""",
        [
            ("effusion", 0, "effusion", N, NEG, N),
            (
                "Small calcified granuloma in the right lower lobe",
                0,
                "calcified granuloma",
                R,
                POS,
                N,
            ),
            ("tiny calcified granuloma", 0, "calcified granuloma", N, POS, 1),
        ],
    ),
    rep(
        """
Normal chest.
No consolidation, effusion or pneumothorax. Normal heart size.""",
        [
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Lungs are well expanded and clear. No pneumothorax. No pleural effusion. Heart and mediastinum within normal limits. Mild degenerative changes of the thoracic spine.
IMPRESSION:
No acute process.""",
        [
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Mild degenerative changes of the thoracic spine", 0, "degenerative spine", N, POS, N),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Fever, evaluate for pneumonia.
FINDINGS:
No focal airspace opacity to suggest pneumonia. No pleural effusion. No pneumothorax. Normal cardiomediastinal contours.
IMPRESSION:
No radiographic evidence of pneumonia.""",
        [
            ("focal airspace opacity", 0, "opacity", N, NEG, N),
            ("pneumonia", 1, "pneumonia", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("pneumonia", 2, "pneumonia", N, NEG, 1),
        ],
        crlf=True,
    ),
    rep(
        "Heart size is normal. Lungs are clear. No acute osseous abnormality. No pneumothorax.",
        [("pneumothorax", 0, "pneumothorax", N, NEG, N)],
    ),
    rep(
        """
FINDINGS:
PA and lateral views. The lungs are clear. There is no consolidation, effusion, or edema. The heart is not enlarged. There is no pneumothorax. Thoracic aorta is mildly tortuous.
IMPRESSION:
No acute cardiopulmonary process.""",
        [
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("edema", 0, "edema", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Thoracic aorta is mildly tortuous", 0, "tortuous aorta", N, POS, N),
        ],
    ),
    rep(
        "Lungs clear. No effusion. No pneumothorax. Normal heart size. Surgical clips in the right upper quadrant from prior cholecystectomy.",
        [
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Surgical clips in the right upper quadrant", 0, "surgical clips", R, POS, N),
        ],
    ),
    rep("IMPRESSION: No acute cardiopulmonary disease.", []),
    rep(
        """
Findings:
Normal heart size. Normal mediastinal and hilar contours. The lungs are clear with no nodules or masses. No pleural effusion.
Impression:
Normal chest.""",
        [
            ("nodules", 0, "nodule", N, NEG, N),
            ("masses", 0, "mass", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
REASON FOR EXAM: Preoperative.
TECHNIQUE: PA and lateral chest.
COMPARISON: None.
FINDINGS:
The trachea is midline. The cardiomediastinal silhouette is normal. The lungs are clear. No pleural effusion or pneumothorax. Mild scoliosis of the thoracic spine.
IMPRESSION:
No acute cardiopulmonary process.""",
        [
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Mild scoliosis of the thoracic spine", 0, "scoliosis", N, POS, N),
        ],
    ),
    rep(
        "The lungs are clear bilaterally. There is no pleural effusion, pneumothorax, or focal airspace consolidation. Cardiac and mediastinal silhouettes are unremarkable. Right-sided chest port with tip at the cavoatrial junction.",
        [
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("focal airspace consolidation", 0, "consolidation", N, NEG, N),
            ("Right-sided chest port", 0, "port", R, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
Lungs are clear. No edema. No effusion. No pneumothorax. Heart size normal.
IMPRESSION:
Clear lungs.""",
        [
            ("edema", 0, "edema", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
EXAM: Chest 1 view
FINDINGS: Lungs clear. Cardiomediastinal silhouette normal. No effusion or pneumothorax. No displaced rib fracture.
IMPRESSION: Negative.""",
        [
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("displaced rib fracture", 0, "fracture", N, NEG, N),
        ],
        crlf=True,
    ),
    rep(
        "Normal chest radiograph. In particular, there is no evidence of pneumothorax or mediastinal widening.",
        [
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("mediastinal widening", 0, "enlarged cardiomediastinum", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
The lungs are clear. There is no consolidation or effusion. The heart size is normal. Calcified aortic knob. No acute bony abnormality.
IMPRESSION:
No acute abnormality.""",
        [
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Calcified aortic knob", 0, "aortic calcification", N, POS, N),
        ],
    ),
    rep(
        "findings: normal heart and lungs. no effusion",
        [("effusion", 0, "effusion", N, NEG, N)],
    ),
    rep(
        """
FINDINGS:
Clear lungs. No evidence of active or prior granulomatous disease. No hilar adenopathy. No pleural effusion. Normal heart size.
IMPRESSION:
No evidence of active tuberculosis.""",
        [
            ("hilar adenopathy", 0, "hilar enlargement", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS: The lungs are clear. No pleural effusion. No pneumothorax. The heart is normal in size. Small hiatal hernia.
IMPRESSION: No acute cardiopulmonary process. Small hiatal hernia.""",
        [
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Small hiatal hernia", 0, "hiatal hernia", N, POS, N),
            ("Small hiatal hernia", 1, "hiatal hernia", N, POS, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Normal lung volumes. No focal opacity. No pleural effusion. No pneumothorax. No free air under the diaphragm. Heart and mediastinum are normal.
IMPRESSION:
Normal chest radiograph. No free intraperitoneal air.""",
        [
            ("focal opacity", 0, "opacity", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("free air under the diaphragm", 0, "pneumoperitoneum", N, NEG, N),
            ("free intraperitoneal air", 0, "pneumoperitoneum", N, NEG, 3),
        ],
    ),
    rep(
        """
Findings: No acute cardiopulmonary abnormality. Lungs are clear. No effusion. No pneumothorax. Cardiomediastinal silhouette is normal. Stable left chest wall pacemaker with leads in the right atrium and right ventricle.
Impression: No acute process.""",
        [
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Stable left chest wall pacemaker", 0, "pacemaker", L, POS, N),
        ],
    ),
]
