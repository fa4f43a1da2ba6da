"""Hand-written "narrative" reports: full sentences with FINDINGS/IMPRESSION. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
EXAMINATION: Chest PA and lateral.
INDICATION: Chest pain.
COMPARISON: None.
FINDINGS:
There is a small left pleural effusion with adjacent atelectasis at the left base. The heart size is normal. The mediastinal contours are unremarkable. There is no pneumothorax. The right lung is clear.
IMPRESSION:
Small left pleural effusion with adjacent basilar atelectasis.""",
        [
            ("small left pleural effusion", 0, "effusion", L, POS, N),
            ("adjacent atelectasis at the left base", 0, "atelectasis", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Small left pleural effusion", 0, "effusion", L, POS, 0),
            ("adjacent basilar atelectasis", 0, "atelectasis", N, POS, 1),
        ],
    ),
    rep(
        """
FINDINGS:
There is a 4 cm lobulated, spiculated mass in the right upper lobe. There is associated right hilar prominence. No pleural effusion is seen. The heart size is normal. There is no pneumothorax.

IMPRESSION:
1. Spiculated right upper lobe mass, highly suspicious for primary lung malignancy. CT of the chest is recommended.
2. Right hilar prominence.""",
        [
            ("4 cm lobulated, spiculated mass in the right upper lobe", 0, "mass", R, POS, N),
            ("right hilar prominence", 0, "hilar enlargement", R, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Spiculated right upper lobe mass", 0, "mass", R, POS, 0),
            ("Right hilar prominence", 0, "hilar enlargement", R, POS, 1),
        ],
    ),
    rep(
        """
HISTORY: 67-year-old male with fever and productive cough.
FINDINGS:
There is dense consolidation in the right middle lobe, obscuring the right heart border. Air bronchograms are present. There is no pleural effusion. The cardiomediastinal silhouette is within normal limits. No pneumothorax is identified.
IMPRESSION:
Right middle lobe pneumonia.""",
        [
            ("dense consolidation in the right middle lobe", 0, "consolidation", R, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Right middle lobe pneumonia", 0, "pneumonia", R, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
The heart is enlarged. There is pulmonary vascular cephalization with diffuse interstitial opacities and peribronchial cuffing, consistent with interstitial edema. Small bilateral pleural effusions are present. There is no focal consolidation.

IMPRESSION:
Cardiomegaly and interstitial pulmonary edema with small bilateral pleural effusions.""",
        [
            ("heart is enlarged", 0, "cardiomegaly", N, POS, N),
            ("pulmonary vascular cephalization", 0, "vascular congestion", N, POS, N),
            ("diffuse interstitial opacities", 0, "interstitial opacity", N, POS, N),
            ("peribronchial cuffing", 0, "bronchial wall thickening", N, POS, N),
            ("interstitial edema", 0, "edema", N, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, 0),
            ("interstitial pulmonary edema", 0, "edema", N, POS, 4),
            ("small bilateral pleural effusions", 0, "effusion", B, POS, 5),
        ],
    ),
    rep(
        """
FINDINGS: The lungs are well expanded. There is a 1.2 cm nodule projecting over the left mid lung. There is no consolidation, pleural effusion or pneumothorax. Heart size is normal.
IMPRESSION: 1.2 cm left mid lung nodule. Recommend CT chest for further evaluation.""",
        [
            ("1.2 cm nodule projecting over the left mid lung", 0, "nodule", L, POS, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("1.2 cm left mid lung nodule", 0, "nodule", L, POS, 0),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: Status post right upper lobectomy.
COMPARISON: XXXX.
FINDINGS:
There are postoperative changes of right upper lobectomy with surgical clips in the right hilum. There is mild volume loss in the right hemithorax with elevation of the right hemidiaphragm. There is mild right apical pleural thickening. No pneumothorax is seen. The left lung is clear.
IMPRESSION:
Postoperative changes without acute process.""",
        [
            ("surgical clips in the right hilum", 0, "surgical clips", R, POS, N),
            ("elevation of the right hemidiaphragm", 0, "elevated hemidiaphragm", R, POS, N),
            ("mild right apical pleural thickening", 0, "pleural thickening", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
There is a large right pleural effusion with near complete opacification of the right hemithorax. There is leftward mediastinal shift. The left lung is clear. No pneumothorax.
IMPRESSION:
Large right pleural effusion with mediastinal shift. Underlying mass or consolidation cannot be excluded.""",
        [
            ("large right pleural effusion", 0, "effusion", R, POS, N),
            ("near complete opacification of the right hemithorax", 0, "opacity", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Large right pleural effusion", 0, "effusion", R, POS, 0),
            ("Underlying mass", 0, "mass", N, UNC, N),
            ("consolidation", 0, "consolidation", N, UNC, N),
        ],
    ),
    rep(
        """
REASON FOR EXAM: Dyspnea.
FINDINGS:
The lungs are hyperinflated with flattening of the diaphragms. There is lucency in the upper lobes consistent with emphysema. There is a large bulla in the left upper lobe. There is no focal airspace opacity. No pleural effusion or pneumothorax is seen. The heart is normal in size.
IMPRESSION:
Emphysema with a large left upper lobe bulla. No acute process.""",
        [
            ("lungs are hyperinflated", 0, "hyperinflation", N, POS, N),
            ("emphysema", 0, "emphysema", N, POS, N),
            ("large bulla in the left upper lobe", 0, "bulla", L, POS, N),
            ("focal airspace opacity", 0, "opacity", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Emphysema", 0, "emphysema", N, POS, 1),
            ("large left upper lobe bulla", 0, "bulla", L, POS, 2),
        ],
    ),
    rep(
        """
FINDINGS:
A right internal jugular central venous catheter terminates in the lower superior vena cava. There is no pneumothorax. The lungs are clear. Heart size is normal.
IMPRESSION:
Right internal jugular central venous catheter in satisfactory position. No pneumothorax.""",
        [
            (
                "right internal jugular central venous catheter",
                0,
                "central venous catheter",
                R,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            (
                "Right internal jugular central venous catheter",
                0,
                "central venous catheter",
                R,
                POS,
                0,
            ),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 1),
        ],
    ),
    rep(
        """
FINDINGS:
There is a moderate-sized hiatal hernia projecting behind the heart. There are bilateral calcified pleural plaques along the lateral chest walls and diaphragmatic surfaces, consistent with prior asbestos exposure. The lungs are otherwise clear. No pleural effusion.
IMPRESSION:
1. Moderate hiatal hernia.
2. Calcified pleural plaques bilaterally, consistent with asbestos-related pleural disease.""",
        [
            (
                "moderate-sized hiatal hernia projecting behind the heart",
                0,
                "hiatal hernia",
                N,
                POS,
                N,
            ),
            (
                "bilateral calcified pleural plaques along the lateral chest walls and diaphragmatic surfaces",
                0,
                "pleural plaque",
                B,
                POS,
                N,
            ),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Moderate hiatal hernia", 0, "hiatal hernia", N, POS, 0),
            ("Calcified pleural plaques bilaterally", 0, "pleural plaque", B, POS, 1),
        ],
    ),
    rep(
        """
INDICATION: Trauma.
FINDINGS:
There is a displaced fracture of the right clavicle. There is a small right pneumothorax. No pleural effusion. Heart and mediastinum are normal.
IMPRESSION:
1. Displaced right clavicular fracture.
2. Small right pneumothorax.""",
        [
            ("displaced fracture of the right clavicle", 0, "fracture", R, POS, N),
            ("small right pneumothorax", 0, "pneumothorax", R, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Displaced right clavicular fracture", 0, "fracture", R, POS, 0),
            ("Small right pneumothorax", 0, "pneumothorax", R, POS, 1),
        ],
    ),
    rep(
        """
FINDINGS:
There are diffuse bilateral reticular opacities, most pronounced at the lung bases, with a honeycombing pattern in the subpleural regions. The lung volumes are low. There is no pleural effusion. The heart size is upper normal.
IMPRESSION:
Basilar predominant interstitial fibrosis with honeycombing. High-resolution CT is suggested for further characterization.""",
        [
            ("diffuse bilateral reticular opacities", 0, "interstitial opacity", B, POS, N),
            ("honeycombing pattern in the subpleural regions", 0, "honeycombing", N, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Basilar predominant interstitial fibrosis", 0, "fibrosis", N, POS, N),
            ("honeycombing", 1, "honeycombing", N, POS, 1),
        ],
    ),
    rep(
        """
FINDINGS:
The cardiomediastinal silhouette is enlarged, with a globular configuration of the cardiac silhouette. There is no pulmonary vascular congestion. The lungs are clear. No pleural effusion.
IMPRESSION:
Enlarged cardiomediastinal silhouette, possibly cardiomegaly; pericardial fluid is another consideration.""",
        [
            (
                "cardiomediastinal silhouette is enlarged",
                0,
                "enlarged cardiomediastinum",
                N,
                POS,
                N,
            ),
            ("pulmonary vascular congestion", 0, "vascular congestion", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Enlarged cardiomediastinal silhouette", 0, "enlarged cardiomediastinum", N, POS, 0),
            ("cardiomegaly", 0, "cardiomegaly", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
There is a 2.3 cm cavitary lesion in the left upper lobe with an air-fluid level. Surrounding patchy airspace opacity is noted. There is no pleural effusion. Heart size is normal.
IMPRESSION:
Cavitary left upper lobe lesion with surrounding opacity, concerning for abscess or cavitating neoplasm.""",
        [
            ("2.3 cm cavitary lesion in the left upper lobe", 0, "cavity", L, POS, N),
            ("Surrounding patchy airspace opacity", 0, "opacity", N, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Cavitary left upper lobe lesion", 0, "cavity", L, POS, 0),
            ("surrounding opacity", 0, "opacity", N, POS, 1),
        ],
    ),
    rep(
        """
TECHNIQUE: Single frontal view of the chest.
FINDINGS:
There is a tracheostomy tube in place with its tip at the level of the clavicles. There are low lung volumes with bibasilar atelectasis. There is no pneumothorax. The heart size is normal.
IMPRESSION:
Tracheostomy tube in place. Bibasilar atelectasis.""",
        [
            ("tracheostomy tube", 0, "tracheostomy tube", N, POS, N),
            ("bibasilar atelectasis", 0, "atelectasis", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Tracheostomy tube", 0, "tracheostomy tube", N, POS, 0),
            ("Bibasilar atelectasis", 0, "atelectasis", B, POS, 1),
        ],
    ),
    rep(
        """
FINDINGS:
There is free subdiaphragmatic air under the right hemidiaphragm. The lungs are clear. There is no pleural effusion or pneumothorax. Heart size is normal.
IMPRESSION:
Pneumoperitoneum. Findings were discussed with Dr. XXXX at XXXX on XXXX.""",
        [
            (
                "free subdiaphragmatic air under the right hemidiaphragm",
                0,
                "pneumoperitoneum",
                R,
                POS,
                N,
            ),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Pneumoperitoneum", 0, "pneumoperitoneum", N, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
There is a left-sided dual-chamber pacemaker with leads terminating in the right atrium and right ventricle. Median sternotomy wires are intact. The heart is mildly enlarged. There is mild pulmonary vascular congestion without frank edema. No pleural effusion or pneumothorax.
IMPRESSION:
1. Mild cardiomegaly and pulmonary vascular congestion.
2. No overt pulmonary edema.""",
        [
            ("left-sided dual-chamber pacemaker", 0, "pacemaker", L, POS, N),
            ("Median sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("heart is mildly enlarged", 0, "cardiomegaly", N, POS, N),
            ("mild pulmonary vascular congestion", 0, "vascular congestion", N, POS, N),
            ("frank edema", 0, "edema", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Mild cardiomegaly", 0, "cardiomegaly", N, POS, 2),
            ("pulmonary vascular congestion", 1, "vascular congestion", N, POS, 3),
            ("overt pulmonary edema", 0, "edema", N, NEG, 4),
        ],
    ),
    rep(
        """
FINDINGS:
There are patchy ground-glass opacities in both lungs, with a peripheral and lower zone predominance. No pleural effusion is seen. There is no pneumothorax. The heart size is normal.
IMPRESSION:
Bilateral peripheral ground-glass opacities, which in the current clinical context could represent viral pneumonia.""",
        [
            ("patchy ground-glass opacities in both lungs", 0, "ground-glass opacity", B, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Bilateral peripheral ground-glass opacities", 0, "ground-glass opacity", B, POS, 0),
            ("viral pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
There is mild dextroconvex scoliosis of the thoracic spine. There are degenerative changes of the thoracic spine with anterior osteophytes. The lungs are clear. There is no pleural effusion. The heart size is normal.
IMPRESSION:
No acute cardiopulmonary process.""",
        [
            ("mild dextroconvex scoliosis of the thoracic spine", 0, "scoliosis", N, POS, N),
            ("degenerative changes of the thoracic spine", 0, "degenerative spine", N, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
HISTORY: Motor vehicle collision.
FINDINGS:
The mediastinum is widened, measuring approximately 9 cm at the level of the aortic knob. The aortic contour is indistinct. No pneumothorax. No displaced rib fracture is identified.
IMPRESSION:
Widened mediastinum in the setting of trauma. Aortic injury cannot be excluded; CT angiography is recommended.""",
        [
            ("mediastinum is widened", 0, "enlarged cardiomediastinum", N, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("displaced rib fracture", 0, "fracture", N, NEG, N),
            ("Widened mediastinum", 0, "enlarged cardiomediastinum", N, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
There is a nasogastric tube which courses below the diaphragm with its tip in the stomach. There is patchy opacity in the left lower lobe, which may represent aspiration. Small left pleural effusion. No pneumothorax.
IMPRESSION:
1. Nasogastric tube in the stomach.
2. Left lower lobe opacity, possibly aspiration.
3. Small left pleural effusion.""",
        [
            ("nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("patchy opacity in the left lower lobe", 0, "opacity", L, POS, N),
            ("Small left pleural effusion", 0, "effusion", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, 0),
            ("Left lower lobe opacity", 0, "opacity", L, POS, 1),
            ("Small left pleural effusion", 1, "effusion", L, POS, 2),
        ],
        crlf=True,
    ),
    rep(
        """
EXAMINATION: Chest, PA and lateral views.
CLINICAL HISTORY: 72-year-old woman with progressive dyspnea on exertion and lower extremity swelling. History of hypertension and prior coronary artery bypass grafting. Evaluate for heart failure or pneumonia.
COMPARISON: Chest radiograph dated XXXX.
TECHNIQUE: Upright PA and lateral radiographs of the chest were obtained.
FINDINGS:
Median sternotomy wires are intact and unchanged in alignment. Mediastinal surgical clips are again seen along the course of the bypass grafts. The cardiac silhouette is moderately enlarged, more prominent than on the prior examination. The thoracic aorta is tortuous, with calcification of the aortic knob.
There is cephalization of the pulmonary vasculature with indistinct hilar vessels. Diffuse interstitial markings are increased, and there are Kerley B lines at both lung bases. Peribronchial cuffing is noted in the perihilar regions. These findings are consistent with interstitial pulmonary edema.
There are moderate bilateral pleural effusions, larger on the right, with blunting of both costophrenic angles and fluid tracking into the right minor fissure. There is adjacent compressive atelectasis at both lung bases. No focal consolidation is identified in the aerated lung, although superimposed infection at the bases cannot be entirely excluded.
There is no pneumothorax. There is no free air under the diaphragm. Degenerative changes of the thoracic spine are unchanged. No acute osseous abnormality.
IMPRESSION:
1. Moderate cardiomegaly, increased since XXXX.
2. Interstitial pulmonary edema with moderate bilateral pleural effusions, consistent with congestive heart failure.
3. Bibasilar compressive atelectasis; superimposed pneumonia cannot be excluded.
4. Postoperative changes of prior CABG.""",
        [
            ("Median sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("Mediastinal surgical clips", 0, "surgical clips", N, POS, N),
            ("cardiac silhouette is moderately enlarged", 0, "cardiomegaly", N, POS, N),
            ("thoracic aorta is tortuous", 0, "tortuous aorta", N, POS, N),
            ("calcification of the aortic knob", 0, "aortic calcification", N, POS, N),
            ("cephalization of the pulmonary vasculature", 0, "vascular congestion", N, POS, N),
            ("Diffuse interstitial markings", 0, "interstitial opacity", N, POS, N),
            ("Kerley B lines at both lung bases", 0, "septal lines", B, POS, N),
            ("Peribronchial cuffing", 0, "bronchial wall thickening", N, POS, N),
            ("interstitial pulmonary edema", 0, "edema", N, POS, N),
            ("moderate bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("blunting of both costophrenic angles", 0, "effusion", B, POS, N),
            ("adjacent compressive atelectasis at both lung bases", 0, "atelectasis", B, POS, N),
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("free air under the diaphragm", 0, "pneumoperitoneum", N, NEG, N),
            ("Degenerative changes of the thoracic spine", 0, "degenerative spine", N, POS, N),
            ("Moderate cardiomegaly", 0, "cardiomegaly", N, POS, 2),
            ("Interstitial pulmonary edema", 0, "edema", N, POS, 9),
            ("moderate bilateral pleural effusions", 1, "effusion", B, POS, 10),
            ("Bibasilar compressive atelectasis", 0, "atelectasis", B, POS, 12),
            ("superimposed pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
]
