"""Hand-written "hedged" reports: uncertain and differential language. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
FINDINGS:
Patchy opacity in the left lower lobe may represent atelectasis or early pneumonia. No pleural effusion. Heart size is normal.
IMPRESSION:
Left lower lobe opacity, atelectasis versus pneumonia.""",
        [
            ("Patchy opacity in the left lower lobe", 0, "opacity", L, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("early pneumonia", 0, "pneumonia", N, UNC, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Left lower lobe opacity", 0, "opacity", L, POS, 0),
            ("atelectasis", 1, "atelectasis", N, UNC, 1),
            ("pneumonia", 1, "pneumonia", N, UNC, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Subtle nodular opacity projecting over the right mid lung, which may be a nipple shadow. Repeat radiograph with nipple markers is suggested. Lungs otherwise clear.
IMPRESSION:
Possible 8 mm right mid lung nodule versus nipple shadow.""",
        [
            ("Subtle nodular opacity projecting over the right mid lung", 0, "nodule", R, POS, N),
            ("8 mm right mid lung nodule", 0, "nodule", R, UNC, 0),
        ],
    ),
    rep(
        """
INDICATION: Fever.
FINDINGS: Hazy bibasilar opacities, likely atelectasis, although superimposed infection cannot be excluded. No effusion or pneumothorax.
IMPRESSION: Probable bibasilar atelectasis. Pneumonia is not excluded in the appropriate clinical setting.""",
        [
            ("Hazy bibasilar opacities", 0, "opacity", B, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("bibasilar atelectasis", 0, "atelectasis", B, UNC, 1),
            ("Pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
Small left apical pneumothorax cannot be excluded; there is a questionable pleural line at the left apex. No effusion. Heart normal.
IMPRESSION:
Questionable small left apical pneumothorax. Recommend expiratory or repeat upright view.""",
        [
            ("Small left apical pneumothorax", 0, "pneumothorax", L, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("small left apical pneumothorax", 0, "pneumothorax", L, UNC, 0),
        ],
    ),
    rep(
        """
FINDINGS:
The cardiac silhouette is mildly enlarged, although this may be accentuated by AP technique. Prominent pulmonary vasculature, possibly mild vascular congestion. No frank edema.
IMPRESSION:
Mild cardiomegaly. Possible mild vascular congestion.""",
        [
            ("cardiac silhouette is mildly enlarged", 0, "cardiomegaly", N, POS, N),
            ("mild vascular congestion", 0, "vascular congestion", N, UNC, N),
            ("frank edema", 0, "edema", N, NEG, N),
            ("Mild cardiomegaly", 0, "cardiomegaly", N, POS, 0),
            ("mild vascular congestion", 1, "vascular congestion", N, UNC, 1),
        ],
    ),
    rep(
        """
FINDINGS:
There is a 3 cm rounded opacity in the right lower lobe, suspicious for a mass. Right hilar fullness, possibly adenopathy. No pleural effusion.
IMPRESSION:
1. Right lower lobe opacity suspicious for neoplasm. CT recommended.
2. Possible right hilar adenopathy.""",
        [
            ("3 cm rounded opacity in the right lower lobe", 0, "opacity", R, POS, N),
            ("mass", 0, "mass", N, UNC, N),
            ("Right hilar fullness", 0, "hilar enlargement", R, POS, N),
            ("adenopathy", 0, "hilar enlargement", N, UNC, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Right lower lobe opacity", 0, "opacity", R, POS, 0),
            ("right hilar adenopathy", 0, "hilar enlargement", R, UNC, 2),
        ],
    ),
    rep(
        """
Findings:
Streaky opacity in the right infrahilar region, likely subsegmental atelectasis, although aspiration is a consideration. Trace right pleural effusion versus pleural thickening. No pneumothorax.
Impression:
Probable right infrahilar atelectasis. Trace right effusion versus pleural thickening.""",
        [
            ("Streaky opacity in the right infrahilar region", 0, "opacity", R, POS, N),
            ("subsegmental atelectasis", 0, "atelectasis", N, UNC, N),
            ("Trace right pleural effusion", 0, "effusion", R, UNC, N),
            ("pleural thickening", 0, "pleural thickening", N, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("right infrahilar atelectasis", 0, "atelectasis", R, UNC, 1),
            ("Trace right effusion", 0, "effusion", R, UNC, 2),
            ("pleural thickening", 1, "pleural thickening", N, UNC, 3),
        ],
    ),
    rep(
        """
FINDINGS:
Increased interstitial markings bilaterally, which may reflect interstitial edema or atypical infection. Heart size upper normal. Small bilateral effusions are possible.
IMPRESSION:
Differential includes interstitial edema and atypical infection.""",
        [
            ("Increased interstitial markings bilaterally", 0, "interstitial opacity", B, POS, N),
            ("interstitial edema", 0, "edema", N, UNC, N),
            ("Small bilateral effusions", 0, "effusion", B, UNC, N),
            ("interstitial edema", 1, "edema", N, UNC, 1),
        ],
    ),
    rep(
        """
INDICATION: Known primary malignancy, evaluate for metastatic nodules. ? pneumonia.
FINDINGS:
Several small nodular densities in both lungs, concerning for metastases. The largest measures 1.4 cm in the left lower lobe. No consolidation. No effusion.
IMPRESSION:
Multiple bilateral pulmonary nodules concerning for metastatic disease.""",
        [
            ("Several small nodular densities in both lungs", 0, "nodule", B, POS, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Multiple bilateral pulmonary nodules", 0, "nodule", B, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Questionable lucency along the left heart border which could represent a small medial pneumothorax versus Mach band. No effusion. Lungs otherwise clear.
IMPRESSION:
Possible small medial left pneumothorax; decubitus view or CT could clarify.""",
        [
            ("small medial pneumothorax", 0, "pneumothorax", N, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("small medial left pneumothorax", 0, "pneumothorax", L, UNC, 0),
        ],
    ),
    rep(
        """
FINDINGS:
The mediastinum appears widened, possibly due to AP projection and patient rotation. Aortic injury cannot be excluded.
IMPRESSION:
Possible widened mediastinum; recommend CT if clinically indicated.""",
        [
            ("mediastinum appears widened", 0, "enlarged cardiomediastinum", N, UNC, N),
            ("widened mediastinum", 0, "enlarged cardiomediastinum", N, UNC, 0),
        ],
    ),
    rep(
        """
FINDINGS:
Left lower lobe consolidation with air bronchograms, most consistent with pneumonia. Small left effusion, possibly parapneumonic. Right lung clear.
IMPRESSION:
Left lower lobe pneumonia with small parapneumonic effusion. Follow-up radiograph in 6-8 weeks to document resolution is recommended.""",
        [
            ("Left lower lobe consolidation", 0, "consolidation", L, POS, N),
            ("pneumonia", 0, "pneumonia", N, POS, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("Left lower lobe pneumonia", 0, "pneumonia", L, POS, 1),
            ("small parapneumonic effusion", 0, "effusion", N, POS, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Ill-defined opacity at the right lung base, possibly atelectasis, pneumonia or aspiration. Blunting of the right costophrenic angle suggests a small effusion. No pneumothorax.
IMPRESSION:
Right basilar opacity, differential includes atelectasis, pneumonia and aspiration. Possible small right effusion.""",
        [
            ("Ill-defined opacity at the right lung base", 0, "opacity", R, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("pneumonia", 0, "pneumonia", N, UNC, N),
            ("Blunting of the right costophrenic angle", 0, "effusion", R, POS, N),
            ("small effusion", 0, "effusion", N, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Right basilar opacity", 0, "opacity", R, POS, 0),
            ("atelectasis", 1, "atelectasis", N, UNC, 1),
            ("pneumonia", 1, "pneumonia", N, UNC, 2),
            ("small right effusion", 0, "effusion", R, UNC, 4),
        ],
    ),
    rep(
        """
FINDINGS:
Irregular 2 cm cavitary lesion in the right upper lobe. The differential includes cavitating neoplasm, infection including tuberculosis, and granulomatosis with polyangiitis. Adjacent pleural thickening. No effusion.
IMPRESSION:
Right upper lobe cavitary lesion, differential as above; CT is advised.""",
        [
            ("Irregular 2 cm cavitary lesion in the right upper lobe", 0, "cavity", R, POS, N),
            ("Adjacent pleural thickening", 0, "pleural thickening", N, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Right upper lobe cavitary lesion", 0, "cavity", R, POS, 0),
        ],
    ),
    rep(
        """
Findings: Lung volumes are low. Possible subtle opacity in the lingula. Heart size normal. No effusion.
Impression: Possible lingular pneumonia versus atelectasis in the setting of low lung volumes. Lateral view may be helpful.""",
        [
            ("subtle opacity in the lingula", 0, "opacity", N, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("lingular pneumonia", 0, "pneumonia", N, UNC, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
There is a questionable fracture of the left 8th rib laterally. No pneumothorax or pleural effusion. Lungs are clear.
IMPRESSION:
Questionable nondisplaced left 8th rib fracture. Dedicated rib series could be performed if clinically warranted.""",
        [
            ("fracture of the left 8th rib laterally", 0, "fracture", L, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("nondisplaced left 8th rib fracture", 0, "fracture", L, UNC, 0),
        ],
    ),
    rep(
        """
CLINICAL HISTORY: 45-year-old with two weeks of fever, night sweats and weight loss. Recent travel. ? TB.
TECHNIQUE: PA and lateral views of the chest.
COMPARISON: None available.
FINDINGS:
There is a patchy, ill-defined area of consolidation in the apical segment of the right upper lobe, with a possible central lucency measuring approximately 1.5 cm that may represent early cavitation. Scattered small nodular opacities in the right mid and lower zones could represent endobronchial spread of infection, although this is not certain on radiography. The right hilum appears prominent, possibly reflecting hilar lymphadenopathy, but this may be partly due to patient rotation.
The left lung is essentially clear. There is subtle blunting of the right costophrenic angle, which may represent a small effusion or minor pleural thickening. No pneumothorax is seen. The cardiomediastinal silhouette is within normal limits for size.
IMPRESSION:
1. Right upper lobe consolidation with possible early cavitation. In the given clinical context, findings are suspicious for post-primary tuberculosis; other infections, including bacterial pneumonia or fungal infection, are in the differential. Recommend sputum analysis and CT of the chest.
2. Possible right hilar adenopathy.
3. Possible small right pleural effusion.""",
        [
            (
                "patchy, ill-defined area of consolidation in the apical segment of the right upper lobe",
                0,
                "consolidation",
                R,
                POS,
                N,
            ),
            ("early cavitation", 0, "cavity", N, UNC, N),
            (
                "Scattered small nodular opacities in the right mid and lower zones",
                0,
                "nodule",
                R,
                POS,
                N,
            ),
            ("right hilum appears prominent", 0, "hilar enlargement", R, UNC, N),
            ("hilar lymphadenopathy", 0, "hilar enlargement", N, UNC, N),
            ("subtle blunting of the right costophrenic angle", 0, "effusion", R, POS, N),
            ("small effusion", 0, "effusion", N, UNC, N),
            ("minor pleural thickening", 0, "pleural thickening", N, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Right upper lobe consolidation", 0, "consolidation", R, POS, 0),
            ("early cavitation", 1, "cavity", N, UNC, 1),
            ("bacterial pneumonia", 0, "pneumonia", N, UNC, N),
            ("right hilar adenopathy", 0, "hilar enlargement", R, UNC, 3),
            ("small right pleural effusion", 0, "effusion", R, UNC, 6),
        ],
    ),
    rep(
        """
INDICATION: Cough for 3 weeks, smoker.
FINDINGS:
There is fullness of the left hilum, which may be vascular, although a hilar mass cannot be excluded. The lungs are otherwise clear. No effusion.
IMPRESSION:
Left hilar fullness, suspicious for hilar mass or lymphadenopathy. CT chest with contrast recommended.""",
        [
            ("fullness of the left hilum", 0, "hilar enlargement", L, POS, N),
            ("hilar mass", 0, "mass", N, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Left hilar fullness", 0, "hilar enlargement", L, POS, 0),
            ("hilar mass", 1, "mass", N, UNC, 1),
            ("lymphadenopathy", 0, "hilar enlargement", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
Diffuse bilateral ground-glass opacities. Superimposed consolidation in the right lower lobe. Findings may represent multifocal pneumonia; pulmonary hemorrhage or edema are alternative considerations. No effusion.
IMPRESSION:
Diffuse ground-glass opacities with right lower lobe consolidation, likely multifocal pneumonia.""",
        [
            ("Diffuse bilateral ground-glass opacities", 0, "ground-glass opacity", B, POS, N),
            ("Superimposed consolidation in the right lower lobe", 0, "consolidation", R, POS, N),
            ("multifocal pneumonia", 0, "pneumonia", N, UNC, N),
            ("edema", 0, "edema", N, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Diffuse ground-glass opacities", 0, "ground-glass opacity", N, POS, 0),
            ("right lower lobe consolidation", 0, "consolidation", R, POS, 1),
            ("multifocal pneumonia", 1, "pneumonia", N, UNC, 2),
        ],
    ),
    rep(
        """
FINDINGS:
Lucent band along the right lateral chest wall, likely a skin fold, although a small pneumothorax is not entirely excluded. No effusion. No consolidation.
IMPRESSION:
Probable skin fold along the right chest wall. Small right pneumothorax cannot be completely excluded; repeat radiograph suggested.""",
        [
            ("small pneumothorax", 0, "pneumothorax", N, UNC, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("Small right pneumothorax", 0, "pneumothorax", R, UNC, 0),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Retrocardiac density, which could represent atelectasis, consolidation, or a hiatal hernia. Lateral view would help. No pneumothorax.
IMPRESSION:
Retrocardiac density of uncertain etiology as above.""",
        [
            ("Retrocardiac density", 0, "opacity", N, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("consolidation", 0, "consolidation", N, UNC, N),
            ("hiatal hernia", 0, "hiatal hernia", N, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Retrocardiac density", 1, "opacity", N, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
Nasogastric tube is coiled in the upper esophagus; its tip may lie in the hypopharynx. Endotracheal tube tip is likely at the level of the carina and should be withdrawn 2 cm. Possible mild left basilar atelectasis.
IMPRESSION:
1. Malpositioned nasogastric tube.
2. Endotracheal tube probably at the carina; recommend withdrawal.""",
        [
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("mild left basilar atelectasis", 0, "atelectasis", L, UNC, N),
            ("Malpositioned nasogastric tube", 0, "nasogastric tube", N, POS, 0),
            ("Endotracheal tube", 1, "endotracheal tube", N, POS, 1),
        ],
    ),
]
