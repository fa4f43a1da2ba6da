"""Hand-written "chronic" reports: chronic and incidental findings. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
FINDINGS:
Calcified granuloma in the right upper lobe. Tortuous and calcified thoracic aorta. Degenerative changes of the thoracic spine. Lungs otherwise clear. No effusion.
IMPRESSION:
No acute cardiopulmonary abnormality. Chronic changes as described.""",
        [
            ("Calcified granuloma in the right upper lobe", 0, "calcified granuloma", R, POS, N),
            ("Tortuous and calcified thoracic aorta", 0, "tortuous aorta", N, POS, N),
            ("Degenerative changes of the thoracic spine", 0, "degenerative spine", N, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
HISTORY: Pre-operative evaluation.
FINDINGS: The lungs are hyperexpanded, with increased retrosternal airspace and flattened hemidiaphragms, consistent with emphysema. Biapical pleural-parenchymal scarring. No focal consolidation. Heart size normal. The aorta is unfolded.
IMPRESSION: Emphysema. No acute disease.""",
        [
            ("lungs are hyperexpanded", 0, "hyperinflation", N, POS, N),
            ("emphysema", 0, "emphysema", N, POS, N),
            ("Biapical pleural-parenchymal scarring", 0, "scarring", B, POS, N),
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("aorta is unfolded", 0, "tortuous aorta", N, POS, N),
            ("Emphysema", 0, "emphysema", N, POS, 1),
        ],
    ),
    rep(
        """
FINDINGS:
Median sternotomy wires and mediastinal surgical clips from prior CABG. Heart size is at the upper limits of normal. Healed left 5th and 6th rib fractures. Elevated right hemidiaphragm, unchanged. Lungs are clear.
IMPRESSION:
Postoperative and chronic changes without acute abnormality.""",
        [
            ("Median sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("mediastinal surgical clips", 0, "surgical clips", N, POS, N),
            ("Healed left 5th and 6th rib fractures", 0, "fracture", L, POS, N),
            ("Elevated right hemidiaphragm", 0, "elevated hemidiaphragm", R, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
There are partially calcified pleural plaques along both hemidiaphragms and the left lateral chest wall. Mild bilateral apical pleural thickening. No pleural effusion. Lungs are clear. Heart size is normal.
IMPRESSION:
Calcified pleural plaques consistent with prior asbestos exposure.""",
        [
            (
                "partially calcified pleural plaques along both hemidiaphragms and the left lateral chest wall",
                0,
                "pleural plaque",
                B,
                POS,
                N,
            ),
            ("Mild bilateral apical pleural thickening", 0, "pleural thickening", B, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Calcified pleural plaques", 0, "pleural plaque", N, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
Coarse reticular markings at both lung bases with volume loss, compatible with chronic interstitial fibrosis. No superimposed consolidation. Cylindrical bronchiectasis in the lower lobes. Heart size is normal. Degenerative spondylosis of the thoracic spine.
IMPRESSION:
Chronic basal fibrosis and bronchiectasis, unchanged from XXXX.""",
        [
            ("Coarse reticular markings at both lung bases", 0, "interstitial opacity", B, POS, N),
            ("chronic interstitial fibrosis", 0, "fibrosis", N, POS, N),
            ("superimposed consolidation", 0, "consolidation", N, NEG, N),
            ("Cylindrical bronchiectasis in the lower lobes", 0, "bronchiectasis", N, POS, N),
            ("Degenerative spondylosis of the thoracic spine", 0, "degenerative spine", N, POS, N),
            ("Chronic basal fibrosis", 0, "fibrosis", N, POS, 1),
            ("bronchiectasis", 1, "bronchiectasis", N, POS, 3),
        ],
    ),
    rep(
        """
FINDINGS:
Bilateral hilar enlargement with a lobulated contour. Scattered small calcified granulomas in both lungs. No pleural effusion. Heart size normal.
IMPRESSION:
Bilateral hilar adenopathy, which in this patient with known sarcoidosis is likely chronic. Correlation with prior imaging is recommended.""",
        [
            ("Bilateral hilar enlargement", 0, "hilar enlargement", B, POS, N),
            (
                "Scattered small calcified granulomas in both lungs",
                0,
                "calcified granuloma",
                B,
                POS,
                N,
            ),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Bilateral hilar adenopathy", 0, "hilar enlargement", B, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
The thoracic aorta is tortuous with atherosclerotic calcification of the aortic knob. Heart size is normal. Lungs are hyperinflated. There is a 5 mm calcified granuloma in the left lower lobe. No acute airspace disease. Moderate thoracolumbar scoliosis.
IMPRESSION:
No acute process.""",
        [
            ("thoracic aorta is tortuous", 0, "tortuous aorta", N, POS, N),
            (
                "atherosclerotic calcification of the aortic knob",
                0,
                "aortic calcification",
                N,
                POS,
                N,
            ),
            ("Lungs are hyperinflated", 0, "hyperinflation", N, POS, N),
            (
                "5 mm calcified granuloma in the left lower lobe",
                0,
                "calcified granuloma",
                L,
                POS,
                N,
            ),
            ("acute airspace disease", 0, "opacity", N, NEG, N),
            ("Moderate thoracolumbar scoliosis", 0, "scoliosis", N, POS, N),
        ],
    ),
    rep(
        """
CLINICAL INFORMATION: Routine follow-up.
FINDINGS:
Left upper lobe volume loss with apical scarring and upward retraction of the left hilum, consistent with old granulomatous disease. Calcified left hilar lymph nodes. Right lung is clear. No effusion.
IMPRESSION:
Chronic post-inflammatory scarring of the left upper lobe. No acute findings.""",
        [
            ("apical scarring", 0, "scarring", N, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Chronic post-inflammatory scarring of the left upper lobe", 0, "scarring", L, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Large hiatal hernia with an air-fluid level behind the heart. Heart size is normal. Calcified aortic arch. Lungs clear. No pleural effusion.
IMPRESSION:
Large hiatal hernia.""",
        [
            ("Large hiatal hernia", 0, "hiatal hernia", N, POS, N),
            ("Calcified aortic arch", 0, "aortic calcification", N, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Large hiatal hernia", 1, "hiatal hernia", N, POS, 0),
        ],
    ),
    rep(
        """
Findings:
Biapical pleural thickening. Healed right clavicle fracture with callus formation. Cervical spine fusion hardware partially visualized. Lungs clear. Heart normal.
Impression:
Chronic findings only.""",
        [
            ("Biapical pleural thickening", 0, "pleural thickening", B, POS, N),
            ("Healed right clavicle fracture", 0, "fracture", R, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
Stable elevation of the left hemidiaphragm with left basilar linear scarring. Stable 6 mm calcified granuloma in the right mid lung. Mild cardiomegaly. Aortic atherosclerosis. No pleural effusion or pneumothorax.
IMPRESSION:
No acute abnormality. Stable chronic findings.""",
        [
            ("Stable elevation of the left hemidiaphragm", 0, "elevated hemidiaphragm", L, POS, N),
            ("left basilar linear scarring", 0, "scarring", L, POS, N),
            (
                "Stable 6 mm calcified granuloma in the right mid lung",
                0,
                "calcified granuloma",
                R,
                POS,
                N,
            ),
            ("Mild cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Aortic atherosclerosis", 0, "aortic calcification", N, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
REASON FOR EXAM: Chronic cough.
FINDINGS:
Bronchiectasis in the lower lobes bilaterally with bronchial wall thickening. Hyperinflation. No consolidation. Heart normal.
IMPRESSION:
Bronchiectasis, lower lobes. Consider CT for further characterization.""",
        [
            ("Bronchiectasis in the lower lobes bilaterally", 0, "bronchiectasis", B, POS, N),
            ("bronchial wall thickening", 0, "bronchial wall thickening", N, POS, N),
            ("Hyperinflation", 0, "hyperinflation", N, POS, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("Bronchiectasis", 1, "bronchiectasis", N, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
Severe emphysema with large bullae in both upper lobes. The lungs are hyperinflated. No pneumothorax. Old healed fractures of the right posterior 7th through 9th ribs.
IMPRESSION:
1. Severe bullous emphysema.
2. No pneumothorax.""",
        [
            ("Severe emphysema", 0, "emphysema", N, POS, N),
            ("large bullae in both upper lobes", 0, "bulla", B, POS, N),
            ("lungs are hyperinflated", 0, "hyperinflation", N, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            (
                "Old healed fractures of the right posterior 7th through 9th ribs",
                0,
                "fracture",
                R,
                POS,
                N,
            ),
            ("Severe bullous emphysema", 0, "emphysema", N, POS, 0),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 3),
        ],
    ),
    rep(
        """
FINDINGS:
Right-sided chest port, tip in the SVC. Surgical clips in the left axilla. Left mastectomy. Lungs are clear. No effusion.
IMPRESSION:
No evidence of intrathoracic metastatic disease.""",
        [
            ("Right-sided chest port", 0, "port", R, POS, N),
            ("Surgical clips in the left axilla", 0, "surgical clips", L, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
EXAMINATION: Chest PA and lateral.
INDICATION: 69-year-old former shipyard worker with 50 pack-year smoking history. Annual surveillance. Prior right upper lobe wedge resection for carcinoma.
COMPARISON: XXXX, XXXX.
FINDINGS:
Lines/devices: None.
Postoperative changes: Surgical clips in the right upper lobe along the wedge resection margin, with mild surrounding linear scarring and minimal superior retraction of the right hilum. These appearances are unchanged over the last two examinations. No soft tissue thickening along the resection margin.
Lungs: The lungs are hyperinflated with flattening of both hemidiaphragms and increased retrosternal clear space, in keeping with emphysema, most marked in the upper zones. A thin-walled bulla at the left apex measures approximately 4 cm and is unchanged. Coarse reticular markings at the lung bases are stable. There is a stable 6 mm calcified granuloma in the left mid lung. No new nodule or mass is seen. No consolidation.
Pleura: Bilateral calcified pleural plaques along the diaphragmatic pleura and the lateral chest walls, unchanged, consistent with prior asbestos exposure. Mild right apical pleural thickening. No pleural effusion or pneumothorax.
Heart and mediastinum: Heart size is normal. The thoracic aorta is unfolded and there is atherosclerotic calcification of the aortic arch. The hila are not enlarged.
Bones: Multilevel degenerative changes of the thoracic spine with bridging osteophytes. Old healed fractures of the left 4th and 5th ribs.
IMPRESSION:
1. No evidence of recurrent malignancy.
2. Stable emphysema with a left apical bulla.
3. Calcified pleural plaques, consistent with asbestos-related pleural disease.
4. Stable chronic findings as above.""",
        [
            (
                "Surgical clips in the right upper lobe along the wedge resection margin",
                0,
                "surgical clips",
                R,
                POS,
                N,
            ),
            ("mild surrounding linear scarring", 0, "scarring", N, POS, N),
            ("lungs are hyperinflated", 0, "hyperinflation", N, POS, N),
            ("emphysema", 0, "emphysema", N, POS, N),
            ("thin-walled bulla at the left apex", 0, "bulla", L, POS, N),
            ("Coarse reticular markings at the lung bases", 0, "interstitial opacity", N, POS, N),
            (
                "stable 6 mm calcified granuloma in the left mid lung",
                0,
                "calcified granuloma",
                L,
                POS,
                N,
            ),
            ("new nodule", 0, "nodule", N, NEG, N),
            ("mass", 0, "mass", N, NEG, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            (
                "Bilateral calcified pleural plaques along the diaphragmatic pleura and the lateral chest walls",
                0,
                "pleural plaque",
                B,
                POS,
                N,
            ),
            ("Mild right apical pleural thickening", 0, "pleural thickening", R, POS, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("thoracic aorta is unfolded", 0, "tortuous aorta", N, POS, N),
            (
                "atherosclerotic calcification of the aortic arch",
                0,
                "aortic calcification",
                N,
                POS,
                N,
            ),
            (
                "Multilevel degenerative changes of the thoracic spine",
                0,
                "degenerative spine",
                N,
                POS,
                N,
            ),
            ("Old healed fractures of the left 4th and 5th ribs", 0, "fracture", L, POS, N),
            ("Stable emphysema", 0, "emphysema", N, POS, 3),
            ("left apical bulla", 0, "bulla", L, POS, 4),
            ("Calcified pleural plaques", 0, "pleural plaque", N, POS, 10),
        ],
    ),
    rep(
        """
HISTORY: History of tuberculosis.
FINDINGS:
Right apical fibrotic changes with volume loss and traction bronchiectasis. Calcified granulomas in the right upper lobe. Right apical pleural thickening. No cavitation. No new airspace opacity.
IMPRESSION:
Old treated tuberculosis with right apical fibrosis. No active disease evident.""",
        [
            ("Right apical fibrotic changes", 0, "fibrosis", R, POS, N),
            ("traction bronchiectasis", 0, "bronchiectasis", N, POS, N),
            ("Calcified granulomas in the right upper lobe", 0, "calcified granuloma", R, POS, N),
            ("Right apical pleural thickening", 0, "pleural thickening", R, POS, N),
            ("cavitation", 0, "cavity", N, NEG, N),
            ("new airspace opacity", 0, "opacity", N, NEG, N),
            ("right apical fibrosis", 0, "fibrosis", R, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Stable 1.5 cm pleural-based opacity in the left lower hemithorax laterally, likely representing pleural plaque or focal pleural thickening. Heart size normal. Aortic knob calcification. Lungs otherwise clear.
IMPRESSION:
Stable left pleural-based opacity, likely benign.""",
        [
            (
                "Stable 1.5 cm pleural-based opacity in the left lower hemithorax laterally",
                0,
                "opacity",
                L,
                POS,
                N,
            ),
            ("pleural plaque", 0, "pleural plaque", N, UNC, N),
            ("focal pleural thickening", 0, "pleural thickening", N, UNC, N),
            ("Aortic knob calcification", 0, "aortic calcification", N, POS, N),
            ("Stable left pleural-based opacity", 0, "opacity", L, POS, 0),
        ],
    ),
    rep(
        """
Findings: Post-surgical changes of right lower lobectomy with staple line in the right hilum. Right hemidiaphragm is elevated. Sternotomy wires. No recurrent mass. No effusion.
Impression: Stable postoperative chest.""",
        [
            ("staple line in the right hilum", 0, "surgical clips", R, POS, N),
            ("Right hemidiaphragm is elevated", 0, "elevated hemidiaphragm", R, POS, N),
            ("Sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("recurrent mass", 0, "mass", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Chronic interstitial changes with reticulation at the lung bases and subpleural honeycombing. Stable mild right hilar prominence. Heart size normal. No effusion.
IMPRESSION:
Chronic interstitial lung disease, stable.""",
        [
            ("Chronic interstitial changes", 0, "interstitial opacity", N, POS, N),
            ("reticulation at the lung bases", 0, "interstitial opacity", N, POS, N),
            ("subpleural honeycombing", 0, "honeycombing", N, POS, N),
            ("Stable mild right hilar prominence", 0, "hilar enlargement", R, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Dual-chamber AICD with leads in the right atrium and right ventricle. Cardiac silhouette is mildly enlarged. Calcified mediastinal lymph nodes. Mild thoracic dextroscoliosis. Lungs clear.
IMPRESSION:
Mild cardiomegaly. No acute findings.""",
        [
            ("Dual-chamber AICD", 0, "pacemaker", N, POS, N),
            ("Cardiac silhouette is mildly enlarged", 0, "cardiomegaly", N, POS, N),
            ("Mild thoracic dextroscoliosis", 0, "scoliosis", N, POS, N),
            ("Mild cardiomegaly", 0, "cardiomegaly", N, POS, 1),
        ],
    ),
    rep(
        """
FINDINGS:
Large right upper lobe bulla measuring up to 8 cm, unchanged. Paraseptal emphysema. Left lung clear. Old fracture deformity of the left clavicle. No pneumothorax.
IMPRESSION:
Unchanged giant right upper lobe bulla. No pneumothorax.""",
        [
            ("Large right upper lobe bulla measuring up to 8 cm", 0, "bulla", R, POS, N),
            ("Paraseptal emphysema", 0, "emphysema", N, POS, N),
            ("Old fracture deformity of the left clavicle", 0, "fracture", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Unchanged giant right upper lobe bulla", 0, "bulla", R, POS, 0),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 3),
        ],
    ),
    rep(
        """
FINDINGS:
Hyperinflated lungs with coarsened interstitial markings, consistent with chronic bronchitis. Mild peribronchial thickening. Small calcified granuloma in the lingula. Mild degenerative changes of the thoracic spine. Heart size is normal.
IMPRESSION:
Chronic obstructive changes. No acute process.""",
        [
            ("Hyperinflated lungs", 0, "hyperinflation", N, POS, N),
            ("coarsened interstitial markings", 0, "interstitial opacity", N, POS, N),
            ("Mild peribronchial thickening", 0, "bronchial wall thickening", N, POS, N),
            ("Small calcified granuloma in the lingula", 0, "calcified granuloma", N, POS, N),
            ("Mild degenerative changes of the thoracic spine", 0, "degenerative spine", N, POS, N),
        ],
    ),
]
