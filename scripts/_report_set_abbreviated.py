"""Hand-written "abbreviated" reports: RLL, PTX, ETT, b/l, w/ and friends. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
FINDINGS: RLL consolidation. Small R effusion. No PTX.
IMPRESSION: RLL PNA.""",
        [
            ("RLL consolidation", 0, "consolidation", R, POS, N),
            ("Small R effusion", 0, "effusion", R, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("RLL PNA", 0, "pneumonia", R, POS, N),
        ],
    ),
    rep(
        "ETT 4 cm above carina. NGT in stomach. R IJ CVC tip in SVC. No PTX. B/l lower lobe opacities, atelectasis vs aspiration.",
        [
            ("ETT", 0, "endotracheal tube", N, POS, N),
            ("NGT", 0, "nasogastric tube", N, POS, N),
            ("R IJ CVC", 0, "central venous catheter", R, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("B/l lower lobe opacities", 0, "opacity", B, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
        ],
    ),
    rep(
        """
INDICATION: s/p CABG, eval for PTX.
FINDINGS: s/p median sternotomy w/ intact sternotomy wires. Mediastinal drain & L chest tube in place. No PTX. L basilar atelectasis. Small L effusion.
IMPRESSION: No PTX. Expected post-op changes.""",
        [
            ("intact sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("Mediastinal drain", 0, "chest tube", N, POS, N),
            ("L chest tube", 0, "chest tube", L, POS, N),
            ("PTX", 1, "pneumothorax", N, NEG, N),
            ("L basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("Small L effusion", 0, "effusion", L, POS, N),
            ("PTX", 2, "pneumothorax", N, NEG, 3),
        ],
    ),
    rep(
        "CHF. Cardiomegaly w/ pulm vascular congestion and b/l effusions. Mild interstitial edema.",
        [
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("pulm vascular congestion", 0, "vascular congestion", N, POS, N),
            ("b/l effusions", 0, "effusion", B, POS, N),
            ("Mild interstitial edema", 0, "edema", N, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
LUL spiculated mass 3.2 cm. L hilar adenopathy. No effusion.
IMPRESSION:
1. LUL mass c/w malignancy. CT recommended.
2. L hilar adenopathy.""",
        [
            ("LUL spiculated mass 3.2 cm", 0, "mass", L, POS, N),
            ("L hilar adenopathy", 0, "hilar enlargement", L, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("LUL mass", 0, "mass", L, POS, 0),
            ("L hilar adenopathy", 1, "hilar enlargement", L, POS, 1),
        ],
    ),
    rep(
        "Portable CXR. ET tube 2 cm above carina, consider pulling back 1-2 cm. OG tube tip in stomach. L subclavian CVC tip at cavoatrial jxn. RML atelectasis. No PTX or large effusion.",
        [
            ("ET tube", 0, "endotracheal tube", N, POS, N),
            ("OG tube", 0, "nasogastric tube", N, POS, N),
            ("L subclavian CVC", 0, "central venous catheter", L, POS, N),
            ("RML atelectasis", 0, "atelectasis", R, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("large effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
HISTORY: SOB
FINDINGS: Hyperinflated lungs c/w COPD. R apical bulla. No PTX. Heart nl size.
IMPRESSION: COPD. No acute process.""",
        [
            ("Hyperinflated lungs", 0, "hyperinflation", N, POS, N),
            ("R apical bulla", 0, "bulla", R, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
        ],
        crlf=True,
    ),
    rep(
        "s/p R PICC placement. PICC tip in distal SVC. Lungs clear. No PTX.",
        [
            ("R PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("PICC", 1, "peripherally inserted central catheter", N, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS: LLL opacity, likely PNA. Small L pleural effusion. R lung clear. Heart size nl. Mediastinum nl.
IMPRESSION: LLL PNA w/ small parapneumonic effusion.""",
        [
            ("LLL opacity", 0, "opacity", L, POS, N),
            ("PNA", 0, "pneumonia", N, UNC, N),
            ("Small L pleural effusion", 0, "effusion", L, POS, N),
            ("LLL PNA", 0, "pneumonia", L, POS, 1),
            ("small parapneumonic effusion", 0, "effusion", N, POS, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Mod R PTX w/ R chest tube in place, tip at R apex. Subcutaneous air R chest wall. Small R pleural effusion/hemothorax.
IMPRESSION:
Mod R PTX despite chest tube; ?tube malfunction.""",
        [
            ("Mod R PTX", 0, "pneumothorax", R, POS, N),
            ("R chest tube", 0, "chest tube", R, POS, N),
            ("Subcutaneous air R chest wall", 0, "subcutaneous emphysema", R, POS, N),
            ("Small R pleural effusion", 0, "effusion", R, POS, N),
            ("hemothorax", 0, "effusion", N, UNC, N),
            ("Mod R PTX", 1, "pneumothorax", R, POS, 0),
            ("chest tube", 1, "chest tube", N, POS, 1),
        ],
    ),
    rep(
        "Bibasilar atelectasis. No CHF. No PTX. NGT tip in stomach.",
        [
            ("Bibasilar atelectasis", 0, "atelectasis", B, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("NGT", 0, "nasogastric tube", N, POS, N),
        ],
    ),
    rep(
        """
FINDINGS: RUL nodule 1.1 cm, new since XXXX. Old healed R rib fxs. Calcified L hilar LN.
IMPRESSION: New RUL nodule, CT rec.""",
        [
            ("RUL nodule 1.1 cm", 0, "nodule", R, POS, N),
            ("Old healed R rib fxs", 0, "fracture", R, POS, N),
            ("New RUL nodule", 0, "nodule", R, POS, 0),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Trauma, MVC.
FINDINGS: Widened mediastinum measuring 9.5 cm. L apical cap. Fx L 1st rib. No PTX.
IMPRESSION: Widened mediastinum, r/o aortic injury. CTA chest rec.""",
        [
            ("Widened mediastinum measuring 9.5 cm", 0, "enlarged cardiomediastinum", N, POS, N),
            ("L apical cap", 0, "pleural thickening", L, POS, N),
            ("Fx L 1st rib", 0, "fracture", L, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("Widened mediastinum", 1, "enlarged cardiomediastinum", N, POS, 0),
        ],
    ),
    rep(
        "R IJ Swan-Ganz, tip in R main PA. ETT 5 cm above carina. OGT coiled in stomach. Sternal wires. Mediastinal clips. L pleural drain. Mild L basilar atelectasis. No PTX.",
        [
            ("R IJ Swan-Ganz", 0, "pulmonary artery catheter", R, POS, N),
            ("ETT", 0, "endotracheal tube", N, POS, N),
            ("OGT", 0, "nasogastric tube", N, POS, N),
            ("Sternal wires", 0, "sternotomy wires", N, POS, N),
            ("Mediastinal clips", 0, "surgical clips", N, POS, N),
            ("L pleural drain", 0, "chest tube", L, POS, N),
            ("Mild L basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS: b/l interstitial opacities, more prominent at the bases. Peribronchial cuffing. Kerley B lines. Cardiomegaly. Small b/l effusions.
IMPRESSION: CHF w/ interstitial edema.""",
        [
            ("b/l interstitial opacities", 0, "interstitial opacity", B, POS, N),
            ("Peribronchial cuffing", 0, "bronchial wall thickening", N, POS, N),
            ("Kerley B lines", 0, "septal lines", N, POS, N),
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Small b/l effusions", 0, "effusion", B, POS, N),
            ("interstitial edema", 0, "edema", N, POS, N),
        ],
    ),
    rep(
        """
EXAM: CXR PA/lat
REASON FOR EXAM: f/u LLL PNA
FINDINGS: Resolved LLL consolidation. Residual L CP angle blunting. No new opacity.
IMPRESSION: Resolved PNA. Small L effusion vs pleural thickening.""",
        [
            ("LLL consolidation", 0, "consolidation", L, NEG, N),
            ("Residual L CP angle blunting", 0, "effusion", L, POS, N),
            ("new opacity", 0, "opacity", N, NEG, N),
            ("PNA", 1, "pneumonia", N, NEG, N),
            ("Small L effusion", 0, "effusion", L, UNC, 1),
            ("pleural thickening", 0, "pleural thickening", N, UNC, N),
        ],
    ),
    rep(
        "ETT and NGT removed. R IJ CVC remains, tip in SVC. Lungs clear. No PTX. No effusion.",
        [
            ("ETT", 0, "endotracheal tube", N, NEG, N),
            ("NGT", 0, "nasogastric tube", N, NEG, N),
            ("R IJ CVC", 0, "central venous catheter", R, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS: L chest wall pacer w/ leads in RA/RV. Cardiomegaly. Tortuous calcified aorta. Degen changes T-spine. Lungs clear.
IMPRESSION: No acute process.""",
        [
            ("L chest wall pacer", 0, "pacemaker", L, POS, N),
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Tortuous calcified aorta", 0, "tortuous aorta", N, POS, N),
            ("Degen changes T-spine", 0, "degenerative spine", N, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
Lg L PTX w/ mediastinal shift to R. Collapsed L lung.
IMPRESSION:
Lg L PTX, ?tension. Called to Dr. XXXX at XXXX.""",
        [
            ("Lg L PTX", 0, "pneumothorax", L, POS, N),
            ("Collapsed L lung", 0, "atelectasis", L, POS, N),
            ("Lg L PTX", 1, "pneumothorax", L, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        "Small R apical PTX ~1 cm. R chest tube. Subcut emphysema R lateral chest wall. R basilar opacity.",
        [
            ("Small R apical PTX ~1 cm", 0, "pneumothorax", R, POS, N),
            ("R chest tube", 0, "chest tube", R, POS, N),
            ("Subcut emphysema R lateral chest wall", 0, "subcutaneous emphysema", R, POS, N),
            ("R basilar opacity", 0, "opacity", R, POS, N),
        ],
    ),
    rep(
        """
FINDINGS: L chest wall port-a-cath, tip in SVC. No PTX. Lungs clear. No effusion.
IMPRESSION: L chest port in good position.""",
        [
            ("L chest wall port-a-cath", 0, "port", L, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("L chest port", 0, "port", L, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS: RML and RLL opacities. Mild hyperinflation. No PTX. Possible small hiatal hernia.
IMPRESSION: RML/RLL opacities, atelectasis vs early PNA.""",
        [
            ("RML and RLL opacities", 0, "opacity", R, POS, N),
            ("Mild hyperinflation", 0, "hyperinflation", N, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
            ("small hiatal hernia", 0, "hiatal hernia", N, UNC, N),
            ("RML/RLL opacities", 0, "opacity", R, POS, 0),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("early PNA", 0, "pneumonia", N, UNC, N),
        ],
    ),
]
