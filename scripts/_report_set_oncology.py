"""Hand-written "oncology" reports: cancer staging and follow-up films. Written for this project.

Known primaries, pulmonary nodules and masses with measurements, response or progression
since prior, hilar and mediastinal adenopathy, malignant effusions and pleural catheters,
lymphangitic change, post-resection and post-radiation appearances, ports and PICCs,
pathological fractures, lobar collapse and cavitation.

Decisions:
- Diagnoses and out-of-vocabulary terms stay unannotated: metastasis / metastatic disease,
  tumour, carcinoma, malignancy, nodal disease, lymphangitic carcinomatosis, radiation
  change, pneumonitis, abscess, volume loss, mastectomy, lytic or sclerotic bone lesions
  and deposits. Only the radiographic descriptors are annotated ("reticular opacities" ->
  interstitial opacity, "septal lines", "nodules", "mass").
- "Hilar mass" -> mass. Bulky hilum, hilar enlargement, hilar adenopathy -> hilar
  enlargement. Paratracheal or mediastinal widening, fullness or adenopathy -> enlarged
  cardiomediastinum.
- A measurement or size statement set off by a comma ("..., the largest in the left lower
  zone measuring 18 mm", "..., apex-to-cupola distance 1.8 cm") and relative clauses
  ("which measured 4.8 cm previously") lie outside the span; an attached measurement
  ("2.3 x 1.9 cm mass at the right hilum") is inside it.
- "Known", "previously demonstrated", "biopsied", "indeterminate" and "expected" are
  premodifiers: inside the span, the finding stays positive. A hedge on the cause or
  character of a present finding ("Moderate left pleural effusion, probably malignant",
  "nodule ... may represent a new metastasis") leaves the finding positive.
- "Cavitating <X> mass" takes the head noun (mass); cavitation named on its own
  ("central cavitation", "No cavitation") -> cavity.
- Indwelling pleural catheter and intercostal drains -> chest tube; Port-a-cath, power port
  and chest port -> port; staple line -> surgical clips; a lesion in the lung -> lung lesion;
  a pathological rib fracture -> fracture.
- Where the location of one finding names another ("Perilesional ground-glass opacity
  around the biopsied ... lesion", "collapse behind the dominant mass"), each finding gets
  its own span and the first ends before the location.
- "Has largely resolved" stays positive; "no longer evident", "no longer seen" and
  "resolution of" are negated.
- "Right hemidiaphragm remains elevated" is a copular finding ("remains" as "is").
"""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        "Port in situ. No change in the known left hilar mass.",
        [
            ("Port", 0, "port", N, POS, N),
            ("known left hilar mass", 0, "mass", L, POS, N),
        ],
    ),
    rep(
        """
EXAMINATION: Chest PA and lateral
CLINICAL DETAILS: 64M, ex-smoker, haemoptysis and weight loss. ?malignancy
FINDINGS:
2.3 x 1.9 cm mass at the right hilum with lobulated margins. The right paratracheal stripe is thickened, which may represent nodal disease. Elevated right hemidiaphragm, new since XXXX. No pleural effusion. No rib destruction.
IMPRESSION:
1. Right hilar mass, suspicious for a primary bronchogenic malignancy, with probable mediastinal nodal spread.
2. New elevation of the right hemidiaphragm; phrenic nerve involvement cannot be excluded.
Recommend staging CT of the chest and upper abdomen with contrast.""",
        [
            ("2.3 x 1.9 cm mass at the right hilum", 0, "mass", R, POS, N),
            ("right paratracheal stripe is thickened", 0, "enlarged cardiomediastinum", R, POS, N),
            ("Elevated right hemidiaphragm", 0, "elevated hemidiaphragm", R, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Right hilar mass", 0, "mass", R, POS, 0),
            ("New elevation of the right hemidiaphragm", 0, "elevated hemidiaphragm", R, POS, 2),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Metastatic colorectal carcinoma on chemotherapy. Restaging.
COMPARISON: XXXX
FINDINGS:
Compared with XXXX, there are several bilateral pulmonary nodules, the largest in the left lower zone measuring 18 mm (previously 12 mm). A new 7 mm nodule is present in the right mid zone. Other nodules are stable in size. Questionable trace left pleural effusion. Right chest wall port with its tip at the cavoatrial junction. Heart size normal.
IMPRESSION:
Enlarging and new pulmonary nodules in keeping with progressive metastatic disease.""",
        [
            ("several bilateral pulmonary nodules", 0, "nodule", B, POS, N),
            ("new 7 mm nodule", 0, "nodule", N, POS, N),
            ("Other nodules", 0, "nodule", N, POS, N),
            ("trace left pleural effusion", 0, "effusion", L, UNC, N),
            ("Right chest wall port", 0, "port", R, POS, N),
            ("Enlarging and new pulmonary nodules", 0, "nodule", N, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        """
HISTORY: Breast cancer, increasing breathlessness.
FINDINGS: Since the previous film of XXXX there has been development of fine reticular opacities throughout both lungs, most marked at the bases, with septal lines in the costophrenic recesses. The hila are bulky bilaterally. Small right pleural effusion. Surgical clips in the left axilla. Left mastectomy.
IMPRESSION: New bilateral reticular interstitial change with septal lines and hilar enlargement. In this clinical context lymphangitic carcinomatosis is the main concern; infection or drug-related pneumonitis are less likely. HRCT may help.""",
        [
            (
                "fine reticular opacities throughout both lungs",
                0,
                "interstitial opacity",
                B,
                POS,
                N,
            ),
            ("septal lines in the costophrenic recesses", 0, "septal lines", N, POS, N),
            ("hila are bulky bilaterally", 0, "hilar enlargement", B, POS, N),
            ("Small right pleural effusion", 0, "effusion", R, POS, N),
            ("Surgical clips in the left axilla", 0, "surgical clips", L, POS, N),
            ("New bilateral reticular interstitial change", 0, "interstitial opacity", B, POS, 0),
            ("septal lines", 1, "septal lines", N, POS, 1),
            ("hilar enlargement", 0, "hilar enlargement", N, POS, 2),
        ],
    ),
    rep(
        """
Indication: Left pneumonectomy XXXX for NSCLC. Routine follow-up.
Findings:
Left pneumonectomy. The left hemithorax is completely opacified, with the expected shift of the mediastinum to the left. Surgical clips at the left hilum. No air-fluid level within the pneumonectomy space. The right lung is clear, with no nodule. No right effusion.
Impression:
Stable post-pneumonectomy appearance. No evidence of recurrence or bronchopleural fistula.""",
        [
            ("left hemithorax is completely opacified", 0, "opacity", L, POS, N),
            ("Surgical clips at the left hilum", 0, "surgical clips", L, POS, N),
            ("nodule", 0, "nodule", N, NEG, N),
            ("right effusion", 0, "effusion", R, NEG, N),
        ],
    ),
    rep(
        """
CLINICAL INFORMATION: Right upper lobe adenocarcinoma treated with SABR XXXX.
FINDINGS:
There is paramediastinal scarring in the right upper zone with associated volume loss and superior retraction of the right hilum, in keeping with post-radiation fibrosis. Traction bronchiectasis within the treated area. No discrete mass is identified, although assessment within the treated area is limited. Left lung clear. No effusion.
IMPRESSION:
Radiation fibrosis in the right upper lobe, stable in appearance. A small recurrent mass cannot be excluded on plain film; comparison with the scheduled CT is advised.""",
        [
            ("paramediastinal scarring in the right upper zone", 0, "scarring", R, POS, N),
            ("post-radiation fibrosis", 0, "fibrosis", N, POS, N),
            ("Traction bronchiectasis within the treated area", 0, "bronchiectasis", N, POS, N),
            ("discrete mass", 0, "mass", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Radiation fibrosis in the right upper lobe", 0, "fibrosis", R, POS, 1),
            ("small recurrent mass", 0, "mass", N, UNC, 3),
        ],
    ),
    rep(
        """
Compared with XXXX: Right PICC, tip in the lower SVC. Innumerable bilateral pulmonary nodules, in keeping with known metastases, not significantly changed. Unchanged small left basal effusion. No pneumothorax.""",
        [
            ("Right PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("Innumerable bilateral pulmonary nodules", 0, "nodule", B, POS, N),
            ("Unchanged small left basal effusion", 0, "effusion", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
New complete collapse of the left upper lobe, with a veil-like opacity over the left hemithorax and loss of the left upper cardiac border. The left hilum is bulky, with a convex soft tissue contour suggesting a central obstructing mass. Small left effusion. The right lung is clear. Left chest port unchanged.

IMPRESSION:
Left upper lobe collapse, likely secondary to an obstructing central tumour; superimposed post-obstructive pneumonia cannot be excluded. Bronchoscopy and CT suggested. Findings discussed with the referring oncology team.""",
        [
            ("New complete collapse of the left upper lobe", 0, "atelectasis", L, POS, N),
            ("veil-like opacity over the left hemithorax", 0, "opacity", L, POS, N),
            ("left hilum is bulky", 0, "hilar enlargement", L, POS, N),
            ("central obstructing mass", 0, "mass", N, UNC, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("Left chest port", 0, "port", L, POS, N),
            ("Left upper lobe collapse", 0, "atelectasis", L, POS, 0),
            ("superimposed post-obstructive pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
    rep(
        """
REASON FOR EXAM: Mesothelioma, indwelling pleural catheter, increasing dyspnoea.
COMPARISON: XXXX.
FINDINGS:
Right indwelling pleural catheter in situ, its tip projecting over the right lower zone. Moderate right pleural effusion, increased since the previous examination. Lobulated pleural thickening along the right lateral chest wall and extending over the apex, which has progressed. Right hemithorax volume is reduced. No pneumothorax. Left lung clear.
IMPRESSION:
1. Increasing right effusion despite indwelling catheter; correlate with drainage volumes to assess patency.
2. Progressive nodular right pleural thickening consistent with known mesothelioma.""",
        [
            ("Right indwelling pleural catheter", 0, "chest tube", R, POS, N),
            ("Moderate right pleural effusion", 0, "effusion", R, POS, N),
            (
                "Lobulated pleural thickening along the right lateral chest wall",
                0,
                "pleural thickening",
                R,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Increasing right effusion", 0, "effusion", R, POS, 1),
            ("indwelling catheter", 0, "chest tube", N, POS, 0),
            ("Progressive nodular right pleural thickening", 0, "pleural thickening", R, POS, 2),
        ],
        crlf=True,
    ),
    rep(
        """
Chest PA.
Hx: Hodgkin lymphoma, end of chemotherapy.
1. Previously noted right paratracheal widening and bilateral hilar enlargement have largely resolved.
2. Band of subsegmental atelectasis at the left base.
3. No effusion or consolidation.""",
        [
            (
                "Previously noted right paratracheal widening",
                0,
                "enlarged cardiomediastinum",
                R,
                POS,
                N,
            ),
            ("bilateral hilar enlargement", 0, "hilar enlargement", B, POS, N),
            ("Band of subsegmental atelectasis at the left base", 0, "atelectasis", L, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Known metastatic prostate cancer. Sclerotic deposits are again seen in several ribs, the thoracic spine and both humeral heads. There is a new pathological fracture of the right 7th rib laterally, through a lytic lesion. Small right pleural effusion, new. Lungs otherwise clear. No pneumothorax.

IMPRESSION:
New pathological right 7th rib fracture. Widespread sclerotic bone metastases. Small right effusion.""",
        [
            (
                "new pathological fracture of the right 7th rib laterally",
                0,
                "fracture",
                R,
                POS,
                N,
            ),
            ("Small right pleural effusion", 0, "effusion", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("New pathological right 7th rib fracture", 0, "fracture", R, POS, 0),
            ("Small right effusion", 0, "effusion", R, POS, 1),
        ],
    ),
    rep(
        """
Clinical details: Squamous cell carcinoma of the left lower lobe, on chemoradiotherapy. Fever.
Findings: The left lower lobe mass has developed central cavitation since XXXX, now measuring 5.4 cm with a wall up to 12 mm thick and a small air-fluid level. Surrounding patchy consolidation in the left lower lobe. Small left pleural effusion. Right lung clear. Right PICC terminates at the cavoatrial junction.
Conclusion: Cavitating left lower lobe mass: tumour necrosis versus superimposed abscess. Surrounding consolidation may represent superimposed pneumonia. Clinical correlation.""",
        [
            ("left lower lobe mass", 0, "mass", L, POS, N),
            ("central cavitation", 0, "cavity", N, POS, N),
            (
                "Surrounding patchy consolidation in the left lower lobe",
                0,
                "consolidation",
                L,
                POS,
                N,
            ),
            ("Small left pleural effusion", 0, "effusion", L, POS, N),
            ("Right PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("Cavitating left lower lobe mass", 0, "mass", L, POS, 0),
            ("Surrounding consolidation", 0, "consolidation", N, POS, 2),
            ("superimposed pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
    rep(
        """
Right-sided Port-a-cath, tip in the SVC. The known 14 mm RUL nodule is unchanged. No new lung lesion. The previous left basal effusion is no longer seen.""",
        [
            ("Right-sided Port-a-cath", 0, "port", R, POS, N),
            ("known 14 mm RUL nodule", 0, "nodule", R, POS, N),
            ("new lung lesion", 0, "lung lesion", N, NEG, N),
            ("previous left basal effusion", 0, "effusion", L, NEG, N),
        ],
    ),
    rep(
        """
EXAM: CHEST, 2 VIEWS
CLINICAL HISTORY: 71-year-old woman with biopsy-proven small cell lung cancer, after 4 cycles of chemotherapy. Restaging before prophylactic cranial irradiation.
COMPARISON: Chest radiograph XXXX; CT chest XXXX.
FINDINGS:
Lines/devices: A left subclavian chest port is present, the tip projecting over the superior cavoatrial junction. No pneumothorax.
Mediastinum and hila: The previously bulky right hilum has decreased substantially in size and is now only mildly prominent. The right paratracheal soft tissue fullness seen on the prior study is no longer evident. Heart size is within normal limits.
Lungs: The right lower lobe mass, which measured 4.8 cm previously, now measures approximately 2.6 x 2.2 cm. The right lower lobe has partially re-expanded, with residual linear atelectasis at the right base. No new pulmonary nodules are seen. There is mild emphysema in the upper zones.
Pleura: Small right pleural effusion, decreased. No left effusion.
Bones: No destructive bone lesion or pathological fracture is identified.
IMPRESSION:
1. Good partial response: decrease in size of the right lower lobe mass and right hilar adenopathy; resolution of the paratracheal adenopathy.
2. Residual right basal atelectasis and small right effusion, both improved.
3. No new pulmonary nodules.
4. Port in satisfactory position.""",
        [
            ("left subclavian chest port", 0, "port", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("previously bulky right hilum", 0, "hilar enlargement", R, POS, N),
            (
                "right paratracheal soft tissue fullness",
                0,
                "enlarged cardiomediastinum",
                R,
                NEG,
                N,
            ),
            ("right lower lobe mass", 0, "mass", R, POS, N),
            ("residual linear atelectasis at the right base", 0, "atelectasis", R, POS, N),
            ("new pulmonary nodules", 0, "nodule", N, NEG, N),
            ("mild emphysema in the upper zones", 0, "emphysema", N, POS, N),
            ("Small right pleural effusion", 0, "effusion", R, POS, N),
            ("left effusion", 0, "effusion", L, NEG, N),
            ("pathological fracture", 0, "fracture", N, NEG, N),
            ("right lower lobe mass", 1, "mass", R, POS, 4),
            ("right hilar adenopathy", 0, "hilar enlargement", R, POS, 2),
            ("paratracheal adenopathy", 0, "enlarged cardiomediastinum", N, NEG, 3),
            ("Residual right basal atelectasis", 0, "atelectasis", R, POS, 5),
            ("small right effusion", 0, "effusion", R, POS, 8),
            ("new pulmonary nodules", 1, "nodule", N, NEG, 6),
            ("Port", 0, "port", N, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS: Follow-up of melanoma. There is an indeterminate 6 mm nodule in the left mid zone, not clearly visible on the prior film of XXXX; this may represent a new metastasis. Possible second nodule in the right lower zone, not confirmed on the lateral view. Hilar contours normal. No effusion.
IMPRESSION: Indeterminate 6 mm left mid zone nodule. Recommend CT chest for characterisation.""",
        [
            ("indeterminate 6 mm nodule in the left mid zone", 0, "nodule", L, POS, N),
            ("second nodule in the right lower zone", 0, "nodule", R, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Indeterminate 6 mm left mid zone nodule", 0, "nodule", L, POS, 0),
        ],
    ),
    rep(
        """
CLINICAL DETAILS: Right upper lobectomy XXXX for T2N0 adenocarcinoma. Surveillance.
FINDINGS:
Post right upper lobectomy. Staple line in the right perihilar region. Right hemidiaphragm remains elevated, with mild right-sided volume loss. Smooth pleural thickening at the right base, unchanged. No new nodule in either lung. No hilar enlargement or mediastinal widening.
Impression
Stable postoperative appearances. No evidence of local recurrence.""",
        [
            ("Staple line in the right perihilar region", 0, "surgical clips", R, POS, N),
            ("Right hemidiaphragm remains elevated", 0, "elevated hemidiaphragm", R, POS, N),
            ("Smooth pleural thickening at the right base", 0, "pleural thickening", R, POS, N),
            ("new nodule in either lung", 0, "nodule", N, NEG, N),
            ("hilar enlargement", 0, "hilar enlargement", N, NEG, N),
            ("mediastinal widening", 0, "enlarged cardiomediastinum", N, NEG, N),
        ],
    ),
    rep(
        """
HISTORY: Metastatic melanoma on pembrolizumab, new cough and hypoxia.
FINDINGS:
Compared with XXXX, there are new patchy ground-glass opacities in both mid and lower zones, more confluent on the right. No cavitation. The previously demonstrated 11 mm right lower lobe nodule is partly obscured. Small bilateral pleural effusions. No pneumothorax.
IMPRESSION:
New bilateral ground-glass opacities. In a patient on checkpoint inhibitor therapy, immune-related pneumonitis is the leading consideration; atypical infection or early pulmonary edema are alternatives.""",
        [
            (
                "new patchy ground-glass opacities in both mid and lower zones",
                0,
                "ground-glass opacity",
                B,
                POS,
                N,
            ),
            ("cavitation", 0, "cavity", N, NEG, N),
            ("previously demonstrated 11 mm right lower lobe nodule", 0, "nodule", R, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("New bilateral ground-glass opacities", 0, "ground-glass opacity", B, POS, 0),
            ("early pulmonary edema", 0, "edema", N, UNC, N),
        ],
    ),
    rep(
        """
Comparison XXXX. The right upper lobe mass has decreased in size, now 3.1 cm (previously 4.4 cm). Right hilar enlargement is less marked. Right paramediastinal opacity in keeping with radiation change. Subtle increased density at the right base, cannot exclude a small effusion.""",
        [
            ("right upper lobe mass", 0, "mass", R, POS, N),
            ("Right hilar enlargement", 0, "hilar enlargement", R, POS, N),
            ("Right paramediastinal opacity", 0, "opacity", R, POS, N),
            ("Subtle increased density at the right base", 0, "opacity", R, POS, N),
            ("small effusion", 0, "effusion", N, UNC, N),
        ],
    ),
    rep(
        """
INDICATION: Post CT-guided biopsy of left upper lobe lesion. ?pneumothorax
FINDINGS:
Small left apical pneumothorax, apex-to-cupola distance 1.8 cm. Perilesional ground-glass opacity around the biopsied 2.7 cm left upper lobe lesion, likely haemorrhage. No mediastinal shift. Left-sided PICC with tip in the SVC.
IMPRESSION:
Small left pneumothorax after biopsy, not requiring intervention. Repeat film in 4 hours recommended.""",
        [
            ("Small left apical pneumothorax", 0, "pneumothorax", L, POS, N),
            ("Perilesional ground-glass opacity", 0, "ground-glass opacity", N, POS, N),
            ("biopsied 2.7 cm left upper lobe lesion", 0, "lung lesion", L, POS, N),
            ("Left-sided PICC", 0, "peripherally inserted central catheter", L, POS, N),
            ("Small left pneumothorax", 0, "pneumothorax", L, POS, 0),
        ],
    ),
    rep(
        """
Report:
Right chest wall power port, tip at the cavoatrial junction. Numerous bilateral pulmonary masses, the largest in the left lower lobe measuring 6 cm, all slightly larger than on XXXX. Left lower lobe collapse behind the dominant mass. Moderate left pleural effusion, probably malignant. The mediastinum is widened to the right, in keeping with known nodal disease.
Summary:
Progression of bilateral pulmonary metastases with left lower lobe collapse and moderate left effusion.""",
        [
            ("Right chest wall power port", 0, "port", R, POS, N),
            ("Numerous bilateral pulmonary masses", 0, "mass", B, POS, N),
            ("Left lower lobe collapse", 0, "atelectasis", L, POS, N),
            ("dominant mass", 0, "mass", N, POS, N),
            ("Moderate left pleural effusion", 0, "effusion", L, POS, N),
            ("mediastinum is widened to the right", 0, "enlarged cardiomediastinum", R, POS, N),
            ("left lower lobe collapse", 0, "atelectasis", L, POS, 2),
            ("moderate left effusion", 0, "effusion", L, POS, 4),
        ],
    ),
    rep(
        """
Findings: Left PICC, tip at the confluence of the brachiocephalic veins. Persistent opacification of the left upper zone with elevation of the left hemidiaphragm and tracheal deviation to the left, consistent with known left upper lobe collapse. The left hilar mass is again seen. A small left effusion is not excluded. Right lung clear.
Comment: Appearances unchanged from XXXX. Persisting left upper lobe collapse.""",
        [
            ("Left PICC", 0, "peripherally inserted central catheter", L, POS, N),
            ("Persistent opacification of the left upper zone", 0, "opacity", L, POS, N),
            ("elevation of the left hemidiaphragm", 0, "elevated hemidiaphragm", L, POS, N),
            ("known left upper lobe collapse", 0, "atelectasis", L, POS, N),
            ("left hilar mass", 0, "mass", L, POS, N),
            ("small left effusion", 0, "effusion", L, UNC, N),
            ("Persisting left upper lobe collapse", 0, "atelectasis", L, POS, 3),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Day 2 after left lower lobectomy for carcinoid.
FINDINGS:
Left apical and basal intercostal drains in situ. Small left apical pneumothorax, stable. Subcutaneous emphysema in the left chest wall, slightly increased. Surgical clips at the left hilum. Expected left basal opacity in the operative bed, with left basal atelectasis. Right lung clear. Left subclavian CVC, tip in the SVC.
IMPRESSION:
Stable small left pneumothorax with drains in place. Mild increase in surgical emphysema.""",
        [
            ("Left apical and basal intercostal drains", 0, "chest tube", L, POS, N),
            ("Small left apical pneumothorax", 0, "pneumothorax", L, POS, N),
            (
                "Subcutaneous emphysema in the left chest wall",
                0,
                "subcutaneous emphysema",
                L,
                POS,
                N,
            ),
            ("Surgical clips at the left hilum", 0, "surgical clips", L, POS, N),
            ("Expected left basal opacity in the operative bed", 0, "opacity", L, POS, N),
            ("left basal atelectasis", 0, "atelectasis", L, POS, N),
            ("Left subclavian CVC", 0, "central venous catheter", L, POS, N),
            ("Stable small left pneumothorax", 0, "pneumothorax", L, POS, 1),
            ("drains", 1, "chest tube", N, POS, 0),
            ("surgical emphysema", 0, "subcutaneous emphysema", N, POS, 2),
        ],
    ),
]
