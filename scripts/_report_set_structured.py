"""Hand-written "structured" reports: templated reports with organ-system headings and key-value lines.

Written for this project.

Decisions (how the convention is applied to template text):

- Organ-system and template headings ("LUNGS:", "Pleural spaces:", "HEART AND MEDIASTINUM:",
  "Bones and soft tissues:", "OTHER:") are never part of a span; what follows them is read
  like FINDINGS text. They are not section headers for the build script, so a report that
  has an excluded section (INDICATION, COMPARISON, ...) always opens FINDINGS/REPORT after it.
- A key that names a finding, with a value that only says whether it is there: the span is
  the key alone and the value gives the assertion ("Pneumothorax: None." -> "Pneumothorax",
  negated; "Mediastinal clips: Present." -> "Mediastinal clips", positive).
- A key that names a finding, with a value of size, side, location or measurement: the value
  is read as the finding's modifiers and the span runs from the key to the end of them
  ("Pleural effusion: Small, left" -> left; "Consolidation: Left lower lobe" -> left). It
  stops before a following clause ("with meniscus", "(deep sulcus sign)").
- A key that names a finding, with a hedged value ("Cannot be excluded", "Possible ..."):
  the key alone, uncertain, so that no hedge or negation cue sits inside a span.
- A value on the next line: spans never cross a line end, so the key alone carries the
  finding ("PLEURAL EFFUSIONS:" + "Moderate right, small left" -> "PLEURAL EFFUSIONS",
  positive, laterality null because the span names no side).
- A key that names anatomy, with an adjective of abnormal state as value, is the copular
  form: the span is key plus value ("Heart size: Enlarged", "Aorta: Unfolded",
  "Lungs: Hyperexpanded", "Mediastinum: Widened"). If that value is on the next line, the
  span is the value's finding words ("Moderately enlarged"). A key that names anatomy with a
  finding noun phrase as value: the span is the value only ("Pulmonary vasculature:
  Cephalization of flow" -> "Cephalization of flow").
- Device keys end at the device, like tip positions: the value (site, tip, course) is a
  predicate ("Pacemaker: Left chest, ..." -> "Pacemaker", laterality null). A device-class
  heading ("Support devices:", "Lines/tubes:") is annotated (support device) only when its
  value is an absence ("None"); when it lists devices, each device is annotated instead.
- A key naming two findings ("Nodules/masses: None") gives two phrases.
- Template defaults ("Normal.", "Clear.", "No acute abnormality.") name no finding.
"""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
EXAM: XR CHEST PA AND LATERAL
CLINICAL HISTORY: Cough and fever for 5 days.
COMPARISON: XXXX.
FINDINGS:
LUNGS: Focal consolidation in the lateral segment of the right middle lobe with air bronchograms. No pulmonary edema.
PLEURA: Trace right pleural effusion. No pneumothorax.
HEART AND MEDIASTINUM: Normal heart size. Normal mediastinal contours.
BONES: No acute osseous abnormality.
UPPER ABDOMEN: Normal.
IMPRESSION:
1. Right middle lobe consolidation, compatible with pneumonia.
2. Trace right pleural effusion.""",
        [
            (
                "Focal consolidation in the lateral segment of the right middle lobe",
                0,
                "consolidation",
                R,
                POS,
                N,
            ),
            ("pulmonary edema", 0, "edema", N, NEG, N),
            ("Trace right pleural effusion", 0, "effusion", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Right middle lobe consolidation", 0, "consolidation", R, POS, 0),
            ("pneumonia", 0, "pneumonia", N, POS, N),
            ("Trace right pleural effusion", 1, "effusion", R, POS, 2),
        ],
    ),
    rep(
        """
Exam: Chest, PA and lateral.
Indication: Dyspnea, leg swelling.
Findings:
Support devices: None.
Heart size: Enlarged.
Pulmonary vasculature: Cephalization of flow.
Interstitium: Diffuse interstitial opacities with Kerley B lines at the bases.
Pleural effusion: Small, bilateral.
Pneumothorax: None.
Consolidation: None.
Impression:
Cardiomegaly with interstitial edema and small bilateral effusions, in keeping with congestive heart failure.""",
        [
            ("Support devices", 0, "support device", N, NEG, N),
            ("Heart size: Enlarged", 0, "cardiomegaly", N, POS, N),
            ("Cephalization of flow", 0, "vascular congestion", N, POS, N),
            ("Diffuse interstitial opacities", 0, "interstitial opacity", N, POS, N),
            ("Kerley B lines at the bases", 0, "septal lines", N, POS, N),
            ("Pleural effusion: Small, bilateral", 0, "effusion", B, POS, N),
            ("Pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Consolidation", 0, "consolidation", N, NEG, N),
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, 1),
            ("interstitial edema", 0, "edema", N, POS, N),
            ("small bilateral effusions", 0, "effusion", B, POS, 5),
        ],
    ),
    rep(
        """
LUNGS:
Clear.
PLEURA:
No effusion or pneumothorax.
HEART:
Normal size.
IMPRESSION:
No acute abnormality.""",
        [
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
EXAMINATION: Portable chest, single AP view.
INDICATION: Intubated, post-op day 1.
FINDINGS:
Lines/tubes:
- Endotracheal tube: tip 4 cm above the carina.
- Enteric tube: tip in the gastric body.
- Right IJ central venous catheter: tip at the cavoatrial junction.
- Left chest tube: apical, unchanged.
Lungs: Left lower lobe collapse. Right lung clear.
Pleura: Small left apical pneumothorax, 8 mm. No right pneumothorax.
Heart and mediastinum: Stable postoperative cardiomediastinal contours.
Bones and soft tissues: Left chest wall subcutaneous emphysema.
IMPRESSION:
1. Tubes and lines in satisfactory position.
2. Small left apical pneumothorax with left chest tube in place.
3. Left lower lobe collapse.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Enteric tube", 0, "nasogastric tube", N, POS, N),
            ("Right IJ central venous catheter", 0, "central venous catheter", R, POS, N),
            ("Left chest tube", 0, "chest tube", L, POS, N),
            ("Left lower lobe collapse", 0, "atelectasis", L, POS, N),
            ("Small left apical pneumothorax, 8 mm", 0, "pneumothorax", L, POS, N),
            ("right pneumothorax", 0, "pneumothorax", R, NEG, N),
            (
                "Left chest wall subcutaneous emphysema",
                0,
                "subcutaneous emphysema",
                L,
                POS,
                N,
            ),
            ("Tubes and lines", 0, "support device", N, POS, N),
            ("Small left apical pneumothorax", 1, "pneumothorax", L, POS, 5),
            ("left chest tube", 0, "chest tube", L, POS, 3),
            ("Left lower lobe collapse", 1, "atelectasis", L, POS, 4),
        ],
    ),
    rep(
        """
CHEST RADIOGRAPH, 2 VIEWS
History: Chronic cough, former smoker.

Findings
Lungs and airways:
Hyperinflated lungs with flattened hemidiaphragms. Bullous change at both apices. Mild bronchial wall thickening.
Pleural spaces:
No effusion. No pneumothorax.
Cardiomediastinal silhouette:
Normal.
Bones and soft tissues:
Mild degenerative changes in the thoracic spine.

Impression
Emphysema with hyperinflation. Apical bullae.""",
        [
            ("Hyperinflated lungs", 0, "hyperinflation", N, POS, N),
            ("Bullous change at both apices", 0, "bulla", B, POS, N),
            ("Mild bronchial wall thickening", 0, "bronchial wall thickening", N, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            (
                "Mild degenerative changes in the thoracic spine",
                0,
                "degenerative spine",
                N,
                POS,
                N,
            ),
            ("Emphysema", 0, "emphysema", N, POS, N),
            ("hyperinflation", 0, "hyperinflation", N, POS, 0),
            ("Apical bullae", 0, "bulla", N, POS, 1),
        ],
        crlf=True,
    ),
    rep(
        """
INDICATION: Right pneumothorax, follow-up after chest tube removal.
TECHNIQUE: Upright PA chest.
FINDINGS:
Pneumothorax:
Small right apical, 9 mm apex-to-cupola distance, previously 15 mm.
Pleural effusion:
Trace right.
Lungs:
Mild right basilar atelectasis.
Subcutaneous emphysema:
Resolved.
Heart and mediastinum:
Normal.
IMPRESSION:
Decreasing small right apical pneumothorax after chest tube removal.""",
        [
            ("Pneumothorax", 0, "pneumothorax", N, POS, N),
            ("Pleural effusion", 0, "effusion", N, POS, N),
            ("Mild right basilar atelectasis", 0, "atelectasis", R, POS, N),
            ("Subcutaneous emphysema", 0, "subcutaneous emphysema", N, NEG, N),
            ("Decreasing small right apical pneumothorax", 0, "pneumothorax", R, POS, 0),
            ("chest tube", 1, "chest tube", N, NEG, N),
        ],
    ),
    rep(
        """
EXAMINATION: CHEST PA/LAT
COMPARISON: XXXX
FINDINGS:
LUNGS: NO FOCAL CONSOLIDATION. 6 MM CALCIFIED GRANULOMA IN THE LEFT UPPER LOBE, UNCHANGED.
PLEURA: MINIMAL BIAPICAL PLEURAL THICKENING. NO EFFUSION OR PNEUMOTHORAX.
HEART/MEDIASTINUM: HEART SIZE NORMAL. AORTIC ARCH CALCIFICATION.
AORTA: MILDLY TORTUOUS.
BONES: MULTILEVEL DEGENERATIVE DISC DISEASE OF THE THORACIC SPINE.
IMPRESSION:
1. NO ACUTE CARDIOPULMONARY ABNORMALITY.
2. STABLE LEFT UPPER LOBE CALCIFIED GRANULOMA.""",
        [
            ("FOCAL CONSOLIDATION", 0, "consolidation", N, NEG, N),
            (
                "6 MM CALCIFIED GRANULOMA IN THE LEFT UPPER LOBE",
                0,
                "calcified granuloma",
                L,
                POS,
                N,
            ),
            ("MINIMAL BIAPICAL PLEURAL THICKENING", 0, "pleural thickening", B, POS, N),
            ("EFFUSION", 0, "effusion", N, NEG, N),
            ("PNEUMOTHORAX", 0, "pneumothorax", N, NEG, N),
            ("AORTIC ARCH CALCIFICATION", 0, "aortic calcification", N, POS, N),
            ("AORTA: MILDLY TORTUOUS", 0, "tortuous aorta", N, POS, N),
            (
                "MULTILEVEL DEGENERATIVE DISC DISEASE OF THE THORACIC SPINE",
                0,
                "degenerative spine",
                N,
                POS,
                N,
            ),
            (
                "STABLE LEFT UPPER LOBE CALCIFIED GRANULOMA",
                0,
                "calcified granuloma",
                L,
                POS,
                1,
            ),
        ],
    ),
    rep(
        """
Sternotomy wires: Intact, aligned.
Mediastinal clips: Present.
Pacemaker: Left chest, dual leads in RA and RV.
Lungs: Mild left basilar atelectasis.
Effusion: Small, left.
Pneumothorax: None.""",
        [
            ("Sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("Mediastinal clips", 0, "surgical clips", N, POS, N),
            ("Pacemaker", 0, "pacemaker", N, POS, N),
            ("Mild left basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("Effusion: Small, left", 0, "effusion", L, POS, N),
            ("Pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
EXAM: Chest radiograph, PA and lateral views.
CLINICAL INFORMATION: 71-year-old with weight loss and hemoptysis. Ex-smoker, 40 pack-years.
TECHNIQUE: Two views of the chest.
COMPARISON: Chest radiograph XXXX.

FINDINGS:
Support devices: None.
Lungs:
  - 4.5 cm lobulated mass in the left upper lobe, abutting the aortopulmonary window. New since the prior study.
  - Possible 7 mm nodule projecting over the right anterior 4th rib.
  - No consolidation.
Hila: Left hilar enlargement, likely lymphadenopathy.
Pleura: Small left pleural effusion. No pneumothorax.
Heart and mediastinum: Heart size within normal limits. Mediastinal contour otherwise unremarkable.
Bones: A lytic lesion in the posterior left 6th rib cannot be excluded on this study.
Other: Visualized upper abdomen unremarkable.

IMPRESSION:
1. New 4.5 cm left upper lobe mass with ipsilateral hilar enlargement and small left effusion, highly suspicious for primary bronchogenic malignancy. CT chest with contrast recommended.
2. Questionable 7 mm right-sided nodule, to be assessed on CT.
3. Possible lytic lesion of the left 6th rib.
Findings communicated to Dr. XXXX at XXXX.""",
        [
            ("Support devices", 0, "support device", N, NEG, N),
            ("4.5 cm lobulated mass in the left upper lobe", 0, "mass", L, POS, N),
            (
                "7 mm nodule projecting over the right anterior 4th rib",
                0,
                "nodule",
                R,
                UNC,
                N,
            ),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("Left hilar enlargement", 0, "hilar enlargement", L, POS, N),
            ("lymphadenopathy", 0, "hilar enlargement", N, UNC, N),
            ("Small left pleural effusion", 0, "effusion", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("New 4.5 cm left upper lobe mass", 0, "mass", L, POS, 1),
            ("ipsilateral hilar enlargement", 0, "hilar enlargement", N, POS, 4),
            ("small left effusion", 0, "effusion", L, POS, 6),
            ("7 mm right-sided nodule", 0, "nodule", R, UNC, 2),
        ],
    ),
    rep(
        """
CHEST 1 VIEW (PORTABLE)
Reason for exam: Hypoxia, fever.

FINDINGS:
* Lines/tubes: None.
* Lungs: Patchy airspace opacities in the right lower lobe and lingula.
* Pleura: No significant pleural effusion. No pneumothorax.
* Heart: Top-normal size.
* Mediastinum: Unremarkable.

IMPRESSION:
* Right lower lobe and lingular airspace opacities, likely multifocal pneumonia. Aspiration is also possible.
* Follow-up to resolution recommended.""",
        [
            ("Lines/tubes", 0, "support device", N, NEG, N),
            (
                "Patchy airspace opacities in the right lower lobe and lingula",
                0,
                "opacity",
                R,
                POS,
                N,
            ),
            ("significant pleural effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            (
                "Right lower lobe and lingular airspace opacities",
                0,
                "opacity",
                R,
                POS,
                1,
            ),
            ("multifocal pneumonia", 0, "pneumonia", N, UNC, N),
        ],
        crlf=True,
    ),
    rep(
        """
Lungs: Clear.
Pleura: Normal.
Pneumothorax: No.
Impression: Negative.""",
        [
            ("Pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
EXAM: AP chest, trauma bay.
HISTORY: Motorcycle collision.
FINDINGS:
Mediastinum: Widened (9 cm at the aortic arch).
Pneumothorax: Small right, anterior/basilar on this supine view (deep sulcus sign).
Hemothorax: None.
Lungs: Patchy opacity in the right mid lung, contusion not excluded.
Bones: Acute displaced fractures of the right 4th through 7th ribs laterally. Left clavicle intact.
Soft tissues: Subcutaneous emphysema along the right lateral chest wall.
Upper abdomen: No free air under the diaphragm.
IMPRESSION:
1. Widened mediastinum; CT angiography recommended to exclude aortic injury.
2. Small right pneumothorax.
3. Multiple displaced right rib fractures with chest wall subcutaneous emphysema.
4. Right mid lung opacity, possibly contusion.""",
        [
            ("Mediastinum: Widened", 0, "enlarged cardiomediastinum", N, POS, N),
            ("Pneumothorax: Small right, anterior/basilar", 0, "pneumothorax", R, POS, N),
            ("Hemothorax", 0, "effusion", N, NEG, N),
            ("Patchy opacity in the right mid lung", 0, "opacity", R, POS, N),
            (
                "Acute displaced fractures of the right 4th through 7th ribs laterally",
                0,
                "fracture",
                R,
                POS,
                N,
            ),
            (
                "Subcutaneous emphysema along the right lateral chest wall",
                0,
                "subcutaneous emphysema",
                R,
                POS,
                N,
            ),
            ("free air under the diaphragm", 0, "pneumoperitoneum", N, NEG, N),
            ("Widened mediastinum", 0, "enlarged cardiomediastinum", N, POS, 0),
            ("Small right pneumothorax", 0, "pneumothorax", R, POS, 1),
            ("Multiple displaced right rib fractures", 0, "fracture", R, POS, 4),
            ("chest wall subcutaneous emphysema", 0, "subcutaneous emphysema", N, POS, 5),
            ("Right mid lung opacity", 0, "opacity", R, POS, 3),
        ],
    ),
    rep(
        """
EXAM: CHEST PORTABLE AP
INDICATION: CHF exacerbation.
COMPARISON: XXXX.
FINDINGS:
HEART SIZE:
Moderately enlarged, unchanged.
PULMONARY VASCULATURE:
Upper lobe venous diversion.
INTERSTITIUM:
Increased interstitial markings with septal lines at the costophrenic angles.
PLEURAL EFFUSIONS:
Moderate right, small left; slightly increased on the right.
PNEUMOTHORAX:
None.
LINES/TUBES:
Left chest wall dual-chamber pacemaker; leads in the right atrium and right ventricle.
IMPRESSION:
Cardiomegaly and moderate interstitial pulmonary edema, slightly worse. Bilateral effusions, right greater than left.""",
        [
            ("Moderately enlarged", 0, "cardiomegaly", N, POS, N),
            ("Upper lobe venous diversion", 0, "vascular congestion", N, POS, N),
            ("Increased interstitial markings", 0, "interstitial opacity", N, POS, N),
            ("septal lines at the costophrenic angles", 0, "septal lines", N, POS, N),
            ("PLEURAL EFFUSIONS", 0, "effusion", N, POS, N),
            ("PNEUMOTHORAX", 0, "pneumothorax", N, NEG, N),
            ("Left chest wall dual-chamber pacemaker", 0, "pacemaker", L, POS, N),
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, 0),
            ("moderate interstitial pulmonary edema", 0, "edema", N, POS, N),
            ("Bilateral effusions", 0, "effusion", B, POS, 4),
        ],
        crlf=True,
    ),
    rep(
        """
Exam: Chest, PA and lateral
Clinical details: Progressive exertional dyspnea, known interstitial lung disease.

Findings:
Lungs: Reduced volumes. Bilateral basal reticular opacities with subpleural honeycombing. Hazy ground-glass opacity in the right mid zone, new.
Airways: Traction bronchiectasis in the lower lobes.
Pleura: Clear.
Heart: Normal size.
Bones: Unremarkable.

Impression:
1. Basal-predominant pulmonary fibrosis with honeycombing; CT correlation if not already performed.
2. New right mid zone ground-glass opacity, which may reflect superimposed infection or acute exacerbation.""",
        [
            ("Bilateral basal reticular opacities", 0, "interstitial opacity", B, POS, N),
            ("subpleural honeycombing", 0, "honeycombing", N, POS, N),
            (
                "Hazy ground-glass opacity in the right mid zone",
                0,
                "ground-glass opacity",
                R,
                POS,
                N,
            ),
            ("Traction bronchiectasis in the lower lobes", 0, "bronchiectasis", N, POS, N),
            ("Basal-predominant pulmonary fibrosis", 0, "fibrosis", N, POS, N),
            ("honeycombing", 1, "honeycombing", N, POS, 1),
            ("New right mid zone ground-glass opacity", 0, "ground-glass opacity", R, POS, 2),
        ],
    ),
    rep(
        """
LINES/TUBES: Tracheostomy tube midline. OGT in stomach. R PICC tip at the cavoatrial junction.
LUNGS: Unchanged bibasilar atelectasis.
PLEURA: No PTX.""",
        [
            ("Tracheostomy tube", 0, "tracheostomy tube", N, POS, N),
            ("OGT", 0, "nasogastric tube", N, POS, N),
            ("R PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("Unchanged bibasilar atelectasis", 0, "atelectasis", B, POS, N),
            ("PTX", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
EXAMINATION: XR chest 2 views
INDICATION: Preoperative evaluation.
TECHNIQUE: PA and lateral.
COMPARISON: None available.
FINDINGS:
Lungs and airways: Normal. No acute abnormality.
Pleural spaces: Normal.
Cardiomediastinal silhouette: Normal. Retrocardiac air-fluid level, in keeping with a moderate hiatal hernia.
Hila: Normal.
Bones and soft tissues: Mild dextroconvex thoracic scoliosis.
Upper abdomen: Normal.
IMPRESSION:
No acute cardiopulmonary abnormality. Moderate hiatal hernia.""",
        [
            ("moderate hiatal hernia", 0, "hiatal hernia", N, POS, N),
            ("Mild dextroconvex thoracic scoliosis", 0, "scoliosis", N, POS, N),
            ("Moderate hiatal hernia", 0, "hiatal hernia", N, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS
Consolidation: Left lower lobe, with silhouetting of the left hemidiaphragm.
Pleural effusion: Small, left, with meniscus.
Pneumothorax: Absent.
Cavitation: Cannot be excluded; CT would be more sensitive.
Heart: Normal size.
Aorta: Unfolded.
IMPRESSION
Left lower lobe pneumonia with small parapneumonic effusion.""",
        [
            ("Consolidation: Left lower lobe", 0, "consolidation", L, POS, N),
            ("Pleural effusion: Small, left", 0, "effusion", L, POS, N),
            ("Pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Cavitation", 0, "cavity", N, UNC, N),
            ("Aorta: Unfolded", 0, "tortuous aorta", N, POS, N),
            ("Left lower lobe pneumonia", 0, "pneumonia", L, POS, N),
            ("small parapneumonic effusion", 0, "effusion", N, POS, 1),
        ],
    ),
    rep(
        """
EXAM: CHEST, PORTABLE AP, 05:40.
CLINICAL HISTORY: Post aortic valve replacement, post-op day 0.
COMPARISON: Preoperative PA/lateral XXXX.

FINDINGS:
LINES AND TUBES:
1. Endotracheal tube: tip 3.5 cm above the carina. Satisfactory.
2. Nasogastric tube: side hole at the gastroesophageal junction; advance 5 cm.
3. Right internal jugular pulmonary artery catheter: tip in the proximal right interlobar artery.
4. Two mediastinal drains and a left pleural drain: in place.
5. Sternotomy wires: intact.
LUNGS: Low volumes. Left retrocardiac atelectasis. Mild perihilar haziness, possibly early edema or fluid overload.
PLEURA: Small left effusion. No pneumothorax on this semi-erect film.
HEART AND MEDIASTINUM: Postoperative widening of the superior mediastinum, within expected limits. Thin lucency along the left heart border may represent a small pneumomediastinum.
BONES AND SOFT TISSUES: Small volume of subcutaneous gas in the lower neck, expected after surgery.
OTHER: Prosthetic aortic valve in situ.

IMPRESSION:
1. Nasogastric tube should be advanced approximately 5 cm.
2. Other lines and tubes satisfactory.
3. Left retrocardiac atelectasis and small left effusion.
4. Possible small pneumomediastinum; attention on follow-up.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, N),
            (
                "Right internal jugular pulmonary artery catheter",
                0,
                "pulmonary artery catheter",
                R,
                POS,
                N,
            ),
            ("Two mediastinal drains", 0, "chest tube", N, POS, N),
            ("left pleural drain", 0, "chest tube", L, POS, N),
            ("Sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("Left retrocardiac atelectasis", 0, "atelectasis", L, POS, N),
            ("Mild perihilar haziness", 0, "opacity", N, POS, N),
            ("early edema", 0, "edema", N, UNC, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            (
                "Postoperative widening of the superior mediastinum",
                0,
                "enlarged cardiomediastinum",
                N,
                POS,
                N,
            ),
            ("small pneumomediastinum", 0, "pneumomediastinum", N, UNC, N),
            (
                "Small volume of subcutaneous gas in the lower neck",
                0,
                "subcutaneous emphysema",
                N,
                POS,
                N,
            ),
            ("Nasogastric tube", 1, "nasogastric tube", N, POS, 1),
            ("Other lines and tubes", 0, "support device", N, POS, N),
            ("Left retrocardiac atelectasis", 1, "atelectasis", L, POS, 6),
            ("small left effusion", 0, "effusion", L, POS, 9),
            ("small pneumomediastinum", 1, "pneumomediastinum", N, UNC, 12),
        ],
    ),
    rep(
        """
Technique: PA and lateral.
Findings:
Lungs: Hyperexpanded, with upper lobe predominant emphysema. Linear scarring at the left apex.
Nodules/masses: None.
Pleura: Calcified pleural plaques along both hemidiaphragms and the right lateral chest wall, consistent with prior asbestos exposure.
Heart size: Normal.
Hila: Normal.
Impression:
Emphysema. Calcified pleural plaques, bilateral, a benign sequela of asbestos exposure. No nodule or mass.""",
        [
            ("Lungs: Hyperexpanded", 0, "hyperinflation", N, POS, N),
            ("upper lobe predominant emphysema", 0, "emphysema", N, POS, N),
            ("Linear scarring at the left apex", 0, "scarring", L, POS, N),
            ("Nodules", 0, "nodule", N, NEG, N),
            ("masses", 0, "mass", N, NEG, N),
            (
                "Calcified pleural plaques along both hemidiaphragms and the right lateral chest wall",
                0,
                "pleural plaque",
                B,
                POS,
                N,
            ),
            ("Emphysema", 0, "emphysema", N, POS, 1),
            ("Calcified pleural plaques, bilateral", 0, "pleural plaque", B, POS, 5),
            ("nodule", 0, "nodule", N, NEG, 3),
            ("mass", 0, "mass", N, NEG, 4),
        ],
    ),
    rep(
        """
HISTORY: Breast cancer on chemotherapy.
REPORT:
Devices: Right chest wall port, tip at the cavoatrial junction.
Lungs: No focal lung lesion. No consolidation.
Pleura: Pleural effusion: None. Pneumothorax: None.
Diaphragm: Right hemidiaphragm elevated, unchanged.
Mediastinum/hila: No hilar enlargement.
Soft tissues: Surgical clips in the left axilla.
CONCLUSION: Port catheter in satisfactory position. No evidence of intrathoracic metastatic disease on radiograph.""",
        [
            ("Right chest wall port", 0, "port", R, POS, N),
            ("focal lung lesion", 0, "lung lesion", N, NEG, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("Pleural effusion", 0, "effusion", N, NEG, N),
            ("Pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Right hemidiaphragm elevated", 0, "elevated hemidiaphragm", R, POS, N),
            ("hilar enlargement", 0, "hilar enlargement", N, NEG, N),
            ("Surgical clips in the left axilla", 0, "surgical clips", L, POS, N),
            ("Port catheter", 0, "port", N, POS, 0),
        ],
    ),
    rep(
        """
EXAM: Chest upright PA.
INDICATION: Post laparotomy day 2, abdominal pain.
FINDINGS:
LUNGS: Plate-like atelectasis at both bases. No consolidation.
PLEURA: Blunting of the right costophrenic angle, small effusion.
HEART: Normal.
UPPER ABDOMEN: Free subdiaphragmatic gas bilaterally, larger on the right.
OTHER: Skin staples over the upper abdomen.
IMPRESSION:
1. Bilateral free subdiaphragmatic gas. Likely expected after recent laparotomy, but correlate clinically for perforation.
2. Bibasilar plate-like atelectasis.
3. Small right effusion.""",
        [
            ("Plate-like atelectasis at both bases", 0, "atelectasis", B, POS, N),
            ("consolidation", 0, "consolidation", N, NEG, N),
            ("Blunting of the right costophrenic angle", 0, "effusion", R, POS, N),
            ("small effusion", 0, "effusion", N, POS, N),
            ("Free subdiaphragmatic gas bilaterally", 0, "pneumoperitoneum", B, POS, N),
            ("Bilateral free subdiaphragmatic gas", 0, "pneumoperitoneum", B, POS, 4),
            ("Bibasilar plate-like atelectasis", 0, "atelectasis", B, POS, 0),
            ("Small right effusion", 0, "effusion", R, POS, 2),
        ],
    ),
    rep(
        """
Clinical information: Fever, positive viral swab.
Findings:
Lungs:
Patchy peripheral ground-glass opacities in both lower zones.
Consolidation:
Equivocal, left lower zone.
Pleural effusion:
No.
Pneumothorax:
No.
Impression:
Bilateral peripheral ground-glass opacities, could represent viral pneumonia in this context.""",
        [
            (
                "Patchy peripheral ground-glass opacities in both lower zones",
                0,
                "ground-glass opacity",
                B,
                POS,
                N,
            ),
            ("Consolidation", 0, "consolidation", N, UNC, N),
            ("Pleural effusion", 0, "effusion", N, NEG, N),
            ("Pneumothorax", 0, "pneumothorax", N, NEG, N),
            (
                "Bilateral peripheral ground-glass opacities",
                0,
                "ground-glass opacity",
                B,
                POS,
                0,
            ),
            ("viral pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
]
