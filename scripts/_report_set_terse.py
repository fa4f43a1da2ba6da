"""Hand-written "terse" reports: telegraphic findings lines. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        "Left pleural effusion. No pneumothorax.",
        [
            ("Left pleural effusion", 0, "effusion", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Cardiomegaly. Mild pulmonary vascular congestion. Small bilateral pleural effusions.
No pneumothorax.

IMPRESSION:
Cardiomegaly with mild vascular congestion and small effusions.""",
        [
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Mild pulmonary vascular congestion", 0, "vascular congestion", N, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Cardiomegaly", 1, "cardiomegaly", N, POS, 0),
            ("mild vascular congestion", 0, "vascular congestion", N, POS, 1),
            ("small effusions", 0, "effusion", N, POS, 2),
        ],
    ),
    rep(
        """
INDICATION: Cough, fever. ? pneumonia.
FINDINGS: Right lower lobe consolidation. No effusion. Heart normal size.
IMPRESSION: Right lower lobe pneumonia.""",
        [
            ("Right lower lobe consolidation", 0, "consolidation", R, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Right lower lobe pneumonia", 0, "pneumonia", R, POS, N),
        ],
    ),
    rep(
        "Stable 8 mm nodule right upper lobe. Lungs otherwise clear. No effusion or pneumothorax.",
        [
            ("Stable 8 mm nodule right upper lobe", 0, "nodule", R, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
EXAM: Chest, 2 views.
FINDINGS:
Hyperinflated lungs. Biapical bullae.
No focal consolidation.
Heart size normal.
IMPRESSION:
Emphysema.""",
        [
            ("Hyperinflated lungs", 0, "hyperinflation", N, POS, N),
            ("Biapical bullae", 0, "bulla", B, POS, N),
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("Emphysema", 0, "emphysema", N, POS, N),
        ],
        crlf=True,
    ),
    rep(
        "Right IJ catheter tip in SVC. No pneumothorax.",
        [
            ("Right IJ catheter", 0, "central venous catheter", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
Findings:
Enlarged cardiac silhouette.
Interstitial edema. Kerley B lines.
Bilateral small effusions.
Impression:
1. Congestive heart failure with interstitial edema.
2. Small bilateral pleural effusions.""",
        [
            ("Enlarged cardiac silhouette", 0, "cardiomegaly", N, POS, N),
            ("Interstitial edema", 0, "edema", N, POS, N),
            ("Kerley B lines", 0, "septal lines", N, POS, N),
            ("Bilateral small effusions", 0, "effusion", B, POS, N),
            ("interstitial edema", 0, "edema", N, POS, 1),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, 3),
        ],
    ),
    rep(
        "Left lower lobe atelectasis. Small left effusion. Elevated left hemidiaphragm.",
        [
            ("Left lower lobe atelectasis", 0, "atelectasis", L, POS, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("Elevated left hemidiaphragm", 0, "elevated hemidiaphragm", L, POS, N),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Fall. Left chest wall pain.
FINDINGS: Acute fractures of the left 6th and 7th ribs laterally. No pneumothorax. No pleural effusion.
IMPRESSION: Left 6th and 7th rib fractures. No pneumothorax.""",
        [
            ("Acute fractures of the left 6th and 7th ribs laterally", 0, "fracture", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Left 6th and 7th rib fractures", 0, "fracture", L, POS, 0),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 1),
        ],
    ),
    rep(
        "Widened superior mediastinum. CT chest recommended.",
        [("Widened superior mediastinum", 0, "enlarged cardiomediastinum", N, POS, N)],
    ),
    rep(
        "No acute cardiopulmonary abnormality. Calcified granuloma left lower lobe.",
        [("Calcified granuloma left lower lobe", 0, "calcified granuloma", L, POS, N)],
    ),
    rep(
        """
FINDINGS:
ET tube 5 cm above carina. NG tube in stomach. Right subclavian line, tip cavoatrial junction.
Bibasilar atelectasis. No pneumothorax.""",
        [
            ("ET tube", 0, "endotracheal tube", N, POS, N),
            ("NG tube", 0, "nasogastric tube", N, POS, N),
            ("Right subclavian line", 0, "central venous catheter", R, POS, N),
            ("Bibasilar atelectasis", 0, "atelectasis", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        "Small right apical pneumothorax measuring approximately 1 cm. Right chest tube in place. Subcutaneous emphysema right chest wall.",
        [
            (
                "Small right apical pneumothorax measuring approximately 1 cm",
                0,
                "pneumothorax",
                R,
                POS,
                N,
            ),
            ("Right chest tube", 0, "chest tube", R, POS, N),
            ("Subcutaneous emphysema right chest wall", 0, "subcutaneous emphysema", R, POS, N),
        ],
    ),
    rep(
        """
IMPRESSION:
Lungs clear. No effusion. No pneumothorax. Normal heart size. No acute findings.""",
        [
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        "Patchy left basilar opacity, atelectasis or pneumonia. Trace left pleural effusion.",
        [
            ("Patchy left basilar opacity", 0, "opacity", L, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("pneumonia", 0, "pneumonia", N, UNC, N),
            ("Trace left pleural effusion", 0, "effusion", L, POS, N),
        ],
    ),
    rep(
        "Hiatal hernia. Tortuous aorta. Lungs clear.",
        [
            ("Hiatal hernia", 0, "hiatal hernia", N, POS, N),
            ("Tortuous aorta", 0, "tortuous aorta", N, POS, N),
        ],
    ),
    rep(
        """
REASON FOR EXAM: Shortness of breath, evaluate for edema.
FINDINGS:
Moderate cardiomegaly.
Pulmonary vascular congestion and mild interstitial edema.
Moderate right and small left pleural effusions.
IMPRESSION:
Fluid overload.""",
        [
            ("Moderate cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Pulmonary vascular congestion", 0, "vascular congestion", N, POS, N),
            ("mild interstitial edema", 0, "edema", N, POS, N),
            ("Moderate right and small left pleural effusions", 0, "effusion", B, POS, N),
        ],
        crlf=True,
    ),
    rep(
        "Left chest port with tip in the SVC. Lungs clear. No effusion.",
        [
            ("Left chest port", 0, "port", L, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        "Dense retrocardiac opacity. Small left effusion. Atelectasis versus pneumonia.",
        [
            ("Dense retrocardiac opacity", 0, "opacity", N, POS, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("Atelectasis", 0, "atelectasis", N, UNC, N),
            ("pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS: 2.5 cm mass at the left hilum. Small left effusion.
IMPRESSION: Left hilar mass, suspicious for malignancy. CT recommended.""",
        [
            ("2.5 cm mass at the left hilum", 0, "mass", L, POS, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("Left hilar mass", 0, "mass", L, POS, 0),
        ],
    ),
    rep(
        "Lines and tubes unchanged. Bilateral airspace opacities, worse. No pneumothorax.",
        [
            ("Lines and tubes", 0, "support device", N, POS, N),
            ("Bilateral airspace opacities", 0, "opacity", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        "Postoperative chest. Median sternotomy wires intact. Mediastinal clips. Small left effusion. Left basilar atelectasis.",
        [
            ("Median sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("Mediastinal clips", 0, "surgical clips", N, POS, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("Left basilar atelectasis", 0, "atelectasis", L, POS, N),
        ],
    ),
]
