"""Hand-written "comparison" reports: interval change against prior studies. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
COMPARISON: XXXX.
FINDINGS:
Compared with prior of XXXX, there is interval increase in the size of the left pleural effusion, now moderate. Left basilar atelectasis is unchanged. The right lung remains clear. No pneumothorax.
IMPRESSION:
Interval increase in moderate left pleural effusion.""",
        [
            ("left pleural effusion", 0, "effusion", L, POS, N),
            ("Left basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("moderate left pleural effusion", 0, "effusion", L, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
Stable cardiomegaly. Previously noted pulmonary edema has resolved. Small right pleural effusion is unchanged. No new consolidation.
IMPRESSION:
Resolution of pulmonary edema. Stable small right effusion.""",
        [
            ("Stable cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("pulmonary edema", 0, "edema", N, NEG, N),
            ("Small right pleural effusion", 0, "effusion", R, POS, N),
            ("new consolidation", 0, "consolidation", N, NEG, N),
            ("pulmonary edema", 1, "edema", N, NEG, 1),
            ("Stable small right effusion", 0, "effusion", R, POS, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Redemonstrated 1.8 cm nodule in the right upper lobe, unchanged in size compared with XXXX. No new nodules. No effusion.
IMPRESSION:
Stable right upper lobe nodule.""",
        [
            ("1.8 cm nodule in the right upper lobe", 0, "nodule", R, POS, N),
            ("new nodules", 0, "nodule", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Stable right upper lobe nodule", 0, "nodule", R, POS, 0),
        ],
    ),
    rep(
        """
Comparison is made to the study of XXXX.
New right lower lobe opacity, concerning for pneumonia. Previously seen left basilar atelectasis has improved. No pleural effusion. Stable mild cardiomegaly.""",
        [
            ("New right lower lobe opacity", 0, "opacity", R, POS, N),
            ("pneumonia", 0, "pneumonia", N, UNC, N),
            ("left basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Stable mild cardiomegaly", 0, "cardiomegaly", N, POS, N),
        ],
    ),
    rep(
        """
COMPARISON: XXXX chest radiograph.
FINDINGS:
The endotracheal tube has been removed. Right internal jugular catheter is unchanged. Interval improvement in bilateral airspace opacities. Small bilateral pleural effusions, slightly decreased. No pneumothorax.
IMPRESSION:
1. Extubation.
2. Improving bilateral airspace opacities.""",
        [
            ("endotracheal tube", 0, "endotracheal tube", N, NEG, N),
            ("Right internal jugular catheter", 0, "central venous catheter", R, POS, N),
            ("bilateral airspace opacities", 0, "opacity", B, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Improving bilateral airspace opacities", 0, "opacity", B, POS, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Compared with XXXX, the right pneumothorax has decreased in size and is now small, approximately 1 cm at the apex. Right chest tube in place. Subcutaneous emphysema is decreasing. No left pneumothorax.
IMPRESSION:
Decreasing small right pneumothorax with chest tube in place.""",
        [
            ("right pneumothorax", 0, "pneumothorax", R, POS, N),
            ("Right chest tube", 0, "chest tube", R, POS, N),
            ("Subcutaneous emphysema", 0, "subcutaneous emphysema", N, POS, N),
            ("left pneumothorax", 0, "pneumothorax", L, NEG, N),
            ("Decreasing small right pneumothorax", 0, "pneumothorax", R, POS, 0),
            ("chest tube", 1, "chest tube", N, POS, 1),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Stable enlarged cardiomediastinal silhouette. Unchanged moderate hiatal hernia. The lungs are clear. Resolved left pleural effusion.
IMPRESSION:
No acute change.""",
        [
            (
                "Stable enlarged cardiomediastinal silhouette",
                0,
                "enlarged cardiomediastinum",
                N,
                POS,
                N,
            ),
            ("Unchanged moderate hiatal hernia", 0, "hiatal hernia", N, POS, N),
            ("left pleural effusion", 0, "effusion", L, NEG, N),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Follow-up pneumonia.
COMPARISON: XXXX and XXXX.
FINDINGS:
Right middle lobe consolidation has nearly resolved, with minimal residual opacity. No new focal opacity. No effusion.
IMPRESSION:
Improving right middle lobe pneumonia.""",
        [
            ("Right middle lobe consolidation", 0, "consolidation", R, POS, N),
            ("minimal residual opacity", 0, "opacity", N, POS, N),
            ("new focal opacity", 0, "opacity", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Improving right middle lobe pneumonia", 0, "pneumonia", R, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
Lines and tubes are unchanged in position. Interval development of a moderate right pleural effusion. Worsening left lower lobe consolidation. Stable mild pulmonary edema.
IMPRESSION:
1. New moderate right pleural effusion.
2. Worsening left lower lobe consolidation.""",
        [
            ("Lines and tubes", 0, "support device", N, POS, N),
            ("moderate right pleural effusion", 0, "effusion", R, POS, N),
            ("Worsening left lower lobe consolidation", 0, "consolidation", L, POS, N),
            ("Stable mild pulmonary edema", 0, "edema", N, POS, N),
            ("New moderate right pleural effusion", 0, "effusion", R, POS, 1),
            ("Worsening left lower lobe consolidation", 1, "consolidation", L, POS, 2),
        ],
    ),
    rep(
        "Compared to prior exam dated XXXX, there has been interval placement of a left-sided PICC, which terminates in the SVC. No pneumothorax. Otherwise no significant change. Stable right apical scarring.",
        [
            ("left-sided PICC", 0, "peripherally inserted central catheter", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Stable right apical scarring", 0, "scarring", R, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
As compared with the previous radiograph, the known left upper lobe mass has increased in size, now measuring 5.2 cm. There is a new small left pleural effusion. Stable left hilar enlargement.
IMPRESSION:
Enlarging left upper lobe mass with new small left effusion.""",
        [
            ("known left upper lobe mass", 0, "mass", L, POS, N),
            ("new small left pleural effusion", 0, "effusion", L, POS, N),
            ("Stable left hilar enlargement", 0, "hilar enlargement", L, POS, N),
            ("Enlarging left upper lobe mass", 0, "mass", L, POS, 0),
            ("new small left effusion", 0, "effusion", L, POS, 1),
        ],
    ),
    rep(
        """
EXAM: Chest radiograph, PA and lateral.
HISTORY: Follow-up of left upper lobe mass after two cycles of chemotherapy. Shortness of breath.
COMPARISON: Chest radiographs of XXXX and XXXX; CT chest of XXXX.
FINDINGS:
Compared with the most recent prior of XXXX, the lobulated left upper lobe mass has decreased in size, now measuring approximately 3.4 x 2.9 cm, previously 4.6 x 3.8 cm. The previously described left hilar enlargement is also less pronounced. The small satellite nodule in the left upper lobe is no longer clearly seen.
There is a new moderate left pleural effusion layering along the lateral chest wall and obscuring the left hemidiaphragm, with adjacent left basilar atelectasis. No pleural effusion on the right. The right lung remains clear. There is no pneumothorax.
A right chest wall port is unchanged, with its tip projecting over the cavoatrial junction. The cardiomediastinal silhouette is stable. Stable mild degenerative changes of the thoracic spine. The healed right sixth rib fracture is redemonstrated and unchanged.
IMPRESSION:
1. Interval decrease in size of the left upper lobe mass and left hilar enlargement, in keeping with treatment response.
2. New moderate left pleural effusion with adjacent atelectasis. Malignant effusion cannot be excluded; thoracentesis could be considered if clinically indicated.
3. Satellite nodule no longer visible.""",
        [
            ("lobulated left upper lobe mass", 0, "mass", L, POS, N),
            ("previously described left hilar enlargement", 0, "hilar enlargement", L, POS, N),
            ("small satellite nodule in the left upper lobe", 0, "nodule", L, NEG, N),
            ("new moderate left pleural effusion", 0, "effusion", L, POS, N),
            ("adjacent left basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("pleural effusion on the right", 0, "effusion", R, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("right chest wall port", 0, "port", R, POS, N),
            (
                "Stable mild degenerative changes of the thoracic spine",
                0,
                "degenerative spine",
                N,
                POS,
                N,
            ),
            ("healed right sixth rib fracture", 0, "fracture", R, POS, N),
            ("left upper lobe mass", 2, "mass", L, POS, 0),
            ("left hilar enlargement", 1, "hilar enlargement", L, POS, 1),
            ("New moderate left pleural effusion", 0, "effusion", L, POS, 3),
            ("adjacent atelectasis", 0, "atelectasis", N, POS, 4),
            ("Malignant effusion", 0, "effusion", N, UNC, 3),
            ("Satellite nodule", 0, "nodule", N, NEG, 2),
        ],
    ),
    rep(
        """
FINDINGS:
The nasogastric tube has been advanced and now terminates in the stomach. Endotracheal tube unchanged at 5 cm above the carina. Left retrocardiac opacity has increased. Small left effusion is new.
IMPRESSION:
Increasing left retrocardiac opacity with new small left effusion.""",
        [
            ("nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Left retrocardiac opacity", 0, "opacity", L, POS, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("Increasing left retrocardiac opacity", 0, "opacity", L, POS, 2),
            ("new small left effusion", 0, "effusion", L, POS, 3),
        ],
    ),
    rep(
        """
COMPARISON: XXXX
FINDINGS: No significant interval change. Persistent mild bibasilar atelectasis. Unchanged tortuous aorta. No pneumothorax or effusion.
IMPRESSION: Stable chest.""",
        [
            ("Persistent mild bibasilar atelectasis", 0, "atelectasis", B, POS, N),
            ("Unchanged tortuous aorta", 0, "tortuous aorta", N, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
The heart is moderately enlarged, increased since XXXX. New pulmonary vascular congestion and small bilateral pleural effusions. No focal consolidation.
IMPRESSION:
Interval increase in cardiomegaly with new vascular congestion and effusions, suggesting fluid overload.""",
        [
            ("heart is moderately enlarged", 0, "cardiomegaly", N, POS, N),
            ("New pulmonary vascular congestion", 0, "vascular congestion", N, POS, N),
            ("small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("cardiomegaly", 0, "cardiomegaly", N, POS, 0),
            ("new vascular congestion", 0, "vascular congestion", N, POS, 1),
            ("effusions", 1, "effusion", N, POS, 2),
        ],
    ),
    rep(
        """
Findings: Interval removal of the left chest tube. No pneumothorax. Mild left pleural thickening at the site of prior drainage. Improving left basilar atelectasis.
Impression: No pneumothorax following chest tube removal.""",
        [
            ("left chest tube", 0, "chest tube", L, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            (
                "Mild left pleural thickening at the site of prior drainage",
                0,
                "pleural thickening",
                L,
                POS,
                N,
            ),
            ("Improving left basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 1),
            ("chest tube", 1, "chest tube", N, NEG, 0),
        ],
    ),
    rep(
        """
FINDINGS:
Compared to XXXX, the right upper lobe cavitary lesion has decreased in size, now 2 cm. Surrounding consolidation has improved. No new areas of consolidation. No effusion.
IMPRESSION:
Improving right upper lobe cavitary lesion and surrounding consolidation.""",
        [
            ("right upper lobe cavitary lesion", 0, "cavity", R, POS, N),
            ("Surrounding consolidation", 0, "consolidation", N, POS, N),
            ("new areas of consolidation", 0, "consolidation", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Improving right upper lobe cavitary lesion", 0, "cavity", R, POS, 0),
            ("surrounding consolidation", 0, "consolidation", N, POS, 1),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Right IJ catheter has been removed. New left subclavian central venous catheter terminates in the SVC. No pneumothorax. Patchy right basilar opacity is similar to prior.
IMPRESSION:
New left subclavian line in satisfactory position without pneumothorax.""",
        [
            ("Right IJ catheter", 0, "central venous catheter", R, NEG, N),
            (
                "New left subclavian central venous catheter",
                0,
                "central venous catheter",
                L,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Patchy right basilar opacity", 0, "opacity", R, POS, N),
            ("New left subclavian line", 0, "central venous catheter", L, POS, 1),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Stable postsurgical changes of left lower lobectomy with surgical clips at the left hilum. Stable elevation of the left hemidiaphragm. No new nodule or mass. No effusion.
IMPRESSION:
No evidence of recurrence.""",
        [
            ("surgical clips at the left hilum", 0, "surgical clips", L, POS, N),
            ("Stable elevation of the left hemidiaphragm", 0, "elevated hemidiaphragm", L, POS, N),
            ("new nodule", 0, "nodule", N, NEG, N),
            ("mass", 0, "mass", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Since the prior study, bilateral perihilar opacities have worsened. Small bilateral pleural effusions are again seen. The endotracheal tube is unchanged. The right PICC has been withdrawn slightly and now terminates in the brachiocephalic vein.
IMPRESSION:
Worsening bilateral perihilar opacities, likely edema or ARDS.""",
        [
            ("bilateral perihilar opacities", 0, "opacity", B, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("right PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("Worsening bilateral perihilar opacities", 0, "opacity", B, POS, 0),
            ("edema", 0, "edema", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
Compared with XXXX, the pneumomediastinum has decreased. Subcutaneous emphysema in the neck is improving. No pneumothorax. Lungs clear.
IMPRESSION:
Improving pneumomediastinum and subcutaneous emphysema.""",
        [
            ("pneumomediastinum", 0, "pneumomediastinum", N, POS, N),
            ("Subcutaneous emphysema in the neck", 0, "subcutaneous emphysema", N, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Improving pneumomediastinum", 0, "pneumomediastinum", N, POS, 0),
            ("subcutaneous emphysema", 0, "subcutaneous emphysema", N, POS, 1),
        ],
    ),
    rep(
        """
Comparison: XXXX.
Findings: Unchanged left apical pleural thickening. New 7 mm nodular opacity in the right lower lobe, not seen previously. Stable calcified granuloma in the left upper lobe.
Impression: New right lower lobe 7 mm nodule. CT recommended.""",
        [
            ("Unchanged left apical pleural thickening", 0, "pleural thickening", L, POS, N),
            ("New 7 mm nodular opacity in the right lower lobe", 0, "nodule", R, POS, N),
            (
                "Stable calcified granuloma in the left upper lobe",
                0,
                "calcified granuloma",
                L,
                POS,
                N,
            ),
            ("New right lower lobe 7 mm nodule", 0, "nodule", R, POS, 1),
        ],
    ),
]
