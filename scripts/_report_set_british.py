"""Hand-written "british" reports: British spelling, zones and conventions. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
Clinical details: Shortness of breath. ?LVF
Report:
The heart is enlarged, CTR 0.6. Upper lobe venous diversion. Bilateral perihilar airspace shadowing and septal lines in keeping with pulmonary oedema. Small bilateral pleural effusions with blunting of both costophrenic angles.
Conclusion:
Cardiomegaly and pulmonary oedema.""",
        [
            ("heart is enlarged", 0, "cardiomegaly", N, POS, N),
            ("Upper lobe venous diversion", 0, "vascular congestion", N, POS, N),
            ("Bilateral perihilar airspace shadowing", 0, "opacity", B, POS, N),
            ("septal lines", 0, "septal lines", N, POS, N),
            ("pulmonary oedema", 0, "edema", N, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("blunting of both costophrenic angles", 0, "effusion", B, POS, N),
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, 0),
            ("pulmonary oedema", 1, "edema", N, POS, 4),
        ],
    ),
    rep(
        """
Findings: There is consolidation in the right lower zone with air bronchograms, consistent with pneumonia. No pleural effusion. Heart size normal.
Impression: Right lower zone pneumonia. Suggest follow-up film in 6 weeks to confirm resolution.""",
        [
            ("consolidation in the right lower zone", 0, "consolidation", R, POS, N),
            ("pneumonia", 0, "pneumonia", N, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Right lower zone pneumonia", 0, "pneumonia", R, POS, 1),
        ],
    ),
    rep(
        """
The lungs are clear. No focal consolidation. The costophrenic angles are sharp. Heart size normal, CTR less than 0.5. No pneumothorax.
Comment: Normal chest radiograph.""",
        [
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Stab wound left chest.
FINDINGS:
Left-sided haemothorax with a fluid level in the left lower zone. Small left apical pneumothorax. Surgical emphysema in the left chest wall. Mediastinum central.
CONCLUSION:
Left haemothorax and pneumothorax. Urgent surgical review advised.""",
        [
            ("Left-sided haemothorax", 0, "effusion", L, POS, N),
            ("Small left apical pneumothorax", 0, "pneumothorax", L, POS, N),
            ("Surgical emphysema in the left chest wall", 0, "subcutaneous emphysema", L, POS, N),
            ("Left haemothorax", 0, "effusion", L, POS, 0),
            ("pneumothorax", 1, "pneumothorax", N, POS, 1),
        ],
    ),
    rep(
        """
Indication: Chronic cough, ex-smoker.
Findings:
Hyperexpanded lungs with bullous change at both apices in keeping with emphysema. No focal lung lesion. No pleural effusion. Normal cardiac size.
Impression:
Emphysema. No mass lesion seen.""",
        [
            ("Hyperexpanded lungs", 0, "hyperinflation", N, POS, N),
            ("bullous change at both apices", 0, "bulla", B, POS, N),
            ("emphysema", 0, "emphysema", N, POS, N),
            ("focal lung lesion", 0, "lung lesion", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Emphysema", 0, "emphysema", N, POS, 2),
            ("mass lesion", 0, "mass", N, NEG, N),
        ],
    ),
    rep(
        """
Report:
The NG tube tip is below the diaphragm, in the stomach. The endotracheal tube is 5 cm above the carina. Right internal jugular line, tip in the SVC. Patchy airspace opacification at the left base. Possible small left effusion.
Conclusion:
Lines and tubes satisfactory. Left basal consolidation/collapse.""",
        [
            ("NG tube", 0, "nasogastric tube", N, POS, N),
            ("endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Right internal jugular line", 0, "central venous catheter", R, POS, N),
            ("Patchy airspace opacification at the left base", 0, "opacity", L, POS, N),
            ("small left effusion", 0, "effusion", L, UNC, N),
            ("Lines and tubes", 0, "support device", N, POS, N),
            ("Left basal consolidation", 0, "consolidation", L, UNC, N),
            ("collapse", 0, "atelectasis", N, UNC, N),
        ],
    ),
    rep(
        """
Clinical details: Fall, right chest wall pain.
Findings:
Fractures of the right 5th, 6th and 7th ribs anterolaterally. No pneumothorax. No haemothorax. Lungs clear.
Conclusion:
Multiple right rib fractures without pneumothorax.""",
        [
            (
                "Fractures of the right 5th, 6th and 7th ribs anterolaterally",
                0,
                "fracture",
                R,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("haemothorax", 0, "effusion", N, NEG, N),
            ("Multiple right rib fractures", 0, "fracture", R, POS, 0),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 1),
        ],
    ),
    rep(
        """
History: Follow up of left lower lobe pneumonia.
Comparison: XXXX.
Findings:
The previously seen consolidation in the left lower zone has resolved, leaving minor residual linear atelectasis. Left costophrenic angle blunting persists, likely small effusion or pleural thickening.
Impression:
Resolution of left lower zone consolidation.""",
        [
            ("previously seen consolidation in the left lower zone", 0, "consolidation", L, NEG, N),
            ("minor residual linear atelectasis", 0, "atelectasis", N, POS, N),
            ("Left costophrenic angle blunting", 0, "effusion", L, POS, N),
            ("small effusion", 0, "effusion", N, UNC, N),
            ("pleural thickening", 0, "pleural thickening", N, UNC, N),
            ("left lower zone consolidation", 0, "consolidation", L, NEG, 0),
        ],
        crlf=True,
    ),
    rep(
        """
Findings:
Large right upper zone mass measuring approximately 6 cm, with associated right hilar lymphadenopathy. Right paratracheal widening. No effusion.
Conclusion: Appearances are suspicious for a bronchogenic carcinoma. Recommend urgent CT staging and referral to the lung cancer MDT.""",
        [
            ("Large right upper zone mass measuring approximately 6 cm", 0, "mass", R, POS, N),
            ("right hilar lymphadenopathy", 0, "hilar enlargement", R, POS, N),
            ("Right paratracheal widening", 0, "enlarged cardiomediastinum", R, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        "Report: No focal consolidation, collapse or effusion. Heart not enlarged. Old healed left clavicular fracture. Comment: No acute abnormality.",
        [
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("collapse", 0, "atelectasis", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Old healed left clavicular fracture", 0, "fracture", L, POS, N),
        ],
    ),
    rep(
        """
Findings:
Right-sided PICC with tip projected over the SVC. Patchy shadowing in the left mid and lower zones. Blunting of the left costophrenic angle. Cardiac size is at the upper limit of normal.
Impression:
Left mid and lower zone shadowing, likely infective. Small left pleural effusion.""",
        [
            ("Right-sided PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("Patchy shadowing in the left mid and lower zones", 0, "opacity", L, POS, N),
            ("Blunting of the left costophrenic angle", 0, "effusion", L, POS, N),
            ("Left mid and lower zone shadowing", 0, "opacity", L, POS, 1),
            ("Small left pleural effusion", 0, "effusion", L, POS, 2),
        ],
    ),
    rep(
        """
CLINICAL DETAILS: Post op day 2, oesophagectomy. Desaturating.
FINDINGS:
Right intercostal chest drain in situ. No pneumothorax. Right basal atelectasis. Small right pleural effusion. Nasogastric tube in the gastric conduit. Left IJ CVC tip in the SVC.
COMMENT:
Right basal atelectasis and small effusion, no pneumothorax.""",
        [
            ("Right intercostal chest drain", 0, "chest tube", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Right basal atelectasis", 0, "atelectasis", R, POS, N),
            ("Small right pleural effusion", 0, "effusion", R, POS, N),
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("Left IJ CVC", 0, "central venous catheter", L, POS, N),
            ("Right basal atelectasis", 1, "atelectasis", R, POS, 2),
            ("small effusion", 0, "effusion", N, POS, 3),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 1),
        ],
    ),
    rep(
        """
Findings:
Reticular shadowing in both lower zones with reduced lung volumes, in keeping with pulmonary fibrosis. Honeycombing at the bases. No consolidation.
Impression:
Bibasal pulmonary fibrosis. Suggest HRCT if not already performed.""",
        [
            ("Reticular shadowing in both lower zones", 0, "interstitial opacity", B, POS, N),
            ("pulmonary fibrosis", 0, "fibrosis", N, POS, N),
            ("Honeycombing at the bases", 0, "honeycombing", N, POS, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("Bibasal pulmonary fibrosis", 0, "fibrosis", B, POS, 1),
        ],
    ),
    rep(
        """
Findings: Widened upper mediastinum. Tracheal deviation to the right. Lungs clear. No effusion.
Conclusion: Superior mediastinal widening, likely retrosternal thyroid goitre. Correlate clinically; CT neck and thorax if required.""",
        [
            ("Widened upper mediastinum", 0, "enlarged cardiomediastinum", N, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Superior mediastinal widening", 0, "enlarged cardiomediastinum", N, POS, 0),
        ],
    ),
    rep(
        """
Clinical details: Known metastatic breast carcinoma.
Findings:
Several rounded opacities in both lungs, the largest 2 cm in the right mid zone, consistent with metastases. Moderate left pleural effusion. Left mastectomy. Right chest wall Port-a-cath with tip in the SVC.
Conclusion:
Pulmonary metastases and left pleural effusion.""",
        [
            ("Several rounded opacities in both lungs", 0, "nodule", B, POS, N),
            ("Moderate left pleural effusion", 0, "effusion", L, POS, N),
            ("Right chest wall Port-a-cath", 0, "port", R, POS, N),
            ("left pleural effusion", 1, "effusion", L, POS, 1),
        ],
    ),
    rep(
        """
Clinical details: 81 year old male, increasing breathlessness over 3 days, bibasal crackles. Known COPD and atrial fibrillation. ?infection ?failure.
Comparison: Previous chest radiograph XXXX.
Findings:
AP erect projection, which limits assessment of the cardiac size and mediastinum. The cardiothoracic ratio appears increased, although this is difficult to assess on an AP film. The lungs are hyperexpanded, consistent with the known COPD, with bullous change at the right apex.
There is upper lobe blood diversion, and there are bilateral perihilar hazy opacities with septal lines at both bases, in keeping with pulmonary oedema. There is dense consolidation in the left lower zone, with loss of the left hemidiaphragm outline, which is new since the previous film. Small bilateral pleural effusions with blunting of both costophrenic angles.
No pneumothorax. The unfolded aorta and calcification of the aortic knuckle are unchanged. Multiple old healed left rib fractures are noted. Dual chamber pacemaker in situ, with leads projected over the right atrium and right ventricle.
Conclusion:
1. Pulmonary oedema with small bilateral pleural effusions, in keeping with fluid overload.
2. New left lower zone consolidation, likely infective; aspiration is a differential.
3. Background emphysema.""",
        [
            ("cardiothoracic ratio appears increased", 0, "cardiomegaly", N, UNC, N),
            ("lungs are hyperexpanded", 0, "hyperinflation", N, POS, N),
            ("bullous change at the right apex", 0, "bulla", R, POS, N),
            ("upper lobe blood diversion", 0, "vascular congestion", N, POS, N),
            ("bilateral perihilar hazy opacities", 0, "opacity", B, POS, N),
            ("septal lines at both bases", 0, "septal lines", B, POS, N),
            ("pulmonary oedema", 0, "edema", N, POS, N),
            ("dense consolidation in the left lower zone", 0, "consolidation", L, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("blunting of both costophrenic angles", 0, "effusion", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("unfolded aorta", 0, "tortuous aorta", N, POS, N),
            ("calcification of the aortic knuckle", 0, "aortic calcification", N, POS, N),
            ("Multiple old healed left rib fractures", 0, "fracture", L, POS, N),
            ("Dual chamber pacemaker", 0, "pacemaker", N, POS, N),
            ("Pulmonary oedema", 0, "edema", N, POS, 6),
            ("small bilateral pleural effusions", 0, "effusion", B, POS, 8),
            ("New left lower zone consolidation", 0, "consolidation", L, POS, 7),
            ("Background emphysema", 0, "emphysema", N, POS, N),
        ],
    ),
    rep(
        """
Findings:
There is a left sided pleural effusion occupying the lower half of the left hemithorax, with a meniscus. The left hemidiaphragm is obscured. Right lung clear. No mediastinal shift.
Conclusion:
Moderate to large left pleural effusion. Consider ultrasound-guided aspiration.""",
        [
            (
                "left sided pleural effusion occupying the lower half of the left hemithorax",
                0,
                "effusion",
                L,
                POS,
                N,
            ),
            ("Moderate to large left pleural effusion", 0, "effusion", L, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        """
Findings:
Left upper lobe collapse with a veil-like opacity over the left hemithorax and elevation of the left hemidiaphragm. No pneumothorax.
Conclusion:
Left upper lobe collapse. Bronchoscopy is recommended to exclude an obstructing endobronchial lesion.""",
        [
            ("Left upper lobe collapse", 0, "atelectasis", L, POS, N),
            ("veil-like opacity over the left hemithorax", 0, "opacity", L, POS, N),
            ("elevation of the left hemidiaphragm", 0, "elevated hemidiaphragm", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Left upper lobe collapse", 1, "atelectasis", L, POS, 0),
            ("obstructing endobronchial lesion", 0, "lung lesion", N, UNC, N),
        ],
    ),
    rep(
        """
Findings:
Dual chamber pacemaker in situ, leads in satisfactory position. Sternotomy wires. Mild cardiomegaly. Upper lobe blood diversion. No overt oedema. Small right effusion.
Comment: Mild cardiac decompensation.""",
        [
            ("Dual chamber pacemaker", 0, "pacemaker", N, POS, N),
            ("Sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("Mild cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Upper lobe blood diversion", 0, "vascular congestion", N, POS, N),
            ("overt oedema", 0, "edema", N, NEG, N),
            ("Small right effusion", 0, "effusion", R, POS, N),
        ],
    ),
    rep(
        """
Findings
Nodular opacity in the left mid zone measuring 12 mm. No other abnormality. Heart size normal.
Impression
12 mm left mid zone nodule. Recommend CT for further assessment as per guidelines.""",
        [
            ("Nodular opacity in the left mid zone measuring 12 mm", 0, "nodule", L, POS, N),
            ("12 mm left mid zone nodule", 0, "nodule", L, POS, 0),
        ],
    ),
    rep(
        """
Findings: Bilateral hilar enlargement with a lobulated contour, raising the possibility of lymphadenopathy. Fine reticulonodular shadowing in the mid zones. No effusion.
Conclusion: Bilateral hilar lymphadenopathy, possibly sarcoidosis. Suggest correlation with serum ACE and CT.""",
        [
            ("Bilateral hilar enlargement", 0, "hilar enlargement", B, POS, N),
            ("lymphadenopathy", 0, "hilar enlargement", N, UNC, N),
            (
                "Fine reticulonodular shadowing in the mid zones",
                0,
                "interstitial opacity",
                N,
                POS,
                N,
            ),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Bilateral hilar lymphadenopathy", 0, "hilar enlargement", B, POS, 0),
        ],
    ),
    rep(
        """
Findings:
Nasogastric tube tip is in the left main bronchus. This should be removed immediately. Lungs otherwise clear.
Conclusion: Misplaced NG tube in the left main bronchus. Findings telephoned to ward staff at XXXX.""",
        [
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("Misplaced NG tube", 0, "nasogastric tube", N, POS, 0),
        ],
    ),
]
