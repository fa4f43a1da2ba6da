"""Hand-written "trauma" reports: emergency department and trauma-bay chest films.

Supine AP trauma series, blunt and penetrating injury, falls in the elderly, assault and
motor vehicle collisions; short "Trauma series" notes and full reports, American and British
wording. Written for this project.

Decisions (where the README convention leaves room for this style):

- Rib counts, arcs and sites ("of the left 4th-7th ribs laterally", "of the posterior arcs
  of ...", "anterolaterally") are location modifiers and stay inside the fracture span.
  "The 5th to 7th ribs are fractured ..." is a copular finding.
- "Flail segment" / "flail chest" names a set of segmental rib fractures: finding fracture.
- Contusion, haematoma, aortic / airway / diaphragmatic / hollow viscus injury, aspiration,
  bullet or metallic fragments, spinal board / cervical collar / immobilisation artefact
  are outside the vocabulary and left unannotated. The opacity or consolidation that
  describes a contusion is annotated and stays positive ("..., likely contusion").
- Haemothorax / hemothorax -> effusion. The single word "haemopneumothorax" gives one
  phrase (spans may not overlap), annotated as pneumothorax.
- Deep sulcus sign and hyperlucency are signs, not findings: unannotated; the pneumothorax
  they suggest is annotated (uncertain when hedged). "Tension" is a premodifier kept in a
  pneumothorax span; "tension" alone is not annotated.
- A supine-film caveat after a negative ("No pneumothorax ..., although a small anterior
  pneumothorax cannot be excluded") gives two phrases: negated, then uncertain.
- "suspected" / "is likely" after the finding make it uncertain.
- "Mediastinum not widened" names no finding (like "Heart not enlarged"): unannotated;
  "No mediastinal widening" is a negated enlarged cardiomediastinum.
- Subcutaneous air / gas and surgical emphysema -> subcutaneous emphysema; free air under
  the diaphragm -> pneumoperitoneum; intercostal drain -> chest tube; gastric / enteric
  tube -> nasogastric tube; EKG leads and a generic "Tubes" -> support device (which never
  restates a specific device). "Right mainstem intubation" is not annotated (as in icu).
- A vertebral compression fracture is a fracture; "fracture deformity" keeps "deformity".
"""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
Trauma series - supine AP chest.
Displaced fractures of the left 4th-7th ribs laterally. Small left apical pneumothorax. Surgical emphysema over the left chest wall. Mediastinum not widened.""",
        [
            ("Displaced fractures of the left 4th-7th ribs laterally", 0, "fracture", L, POS, N),
            ("Small left apical pneumothorax", 0, "pneumothorax", L, POS, N),
            (
                "Surgical emphysema over the left chest wall",
                0,
                "subcutaneous emphysema",
                L,
                POS,
                N,
            ),
        ],
    ),
    rep(
        """
EXAM: CHEST, SINGLE AP SUPINE VIEW (TRAUMA BAY)
CLINICAL HISTORY: 34-year-old male, restrained driver in high-speed MVC. Chest pain.
COMPARISON: None.
FINDINGS:
Cervical collar and backboard artifact partially obscure the apices. Endotracheal tube tip projects 5 cm above the carina. Nasogastric tube courses below the left hemidiaphragm with tip out of view. The superior mediastinum is widened. Mediastinal width measures approximately 9 cm at the level of the aortic arch, with an indistinct aortic knob contour. No pneumothorax is identified, although a small anterior pneumothorax cannot be excluded on this supine film. Patchy airspace opacity in the right mid and lower lung, likely contusion. Nondisplaced fractures of the right 3rd and 4th ribs anteriorly. No pleural effusion.
IMPRESSION:
1. Widened superior mediastinum. In the setting of a high-speed deceleration injury, CTA of the chest is recommended to evaluate for aortic injury. Findings communicated to Dr. XXXX in the trauma bay at XXXX.
2. Right lung airspace opacity, likely pulmonary contusion.
3. Right 3rd and 4th rib fractures.
4. ETT and NGT in satisfactory position.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("superior mediastinum is widened", 0, "enlarged cardiomediastinum", N, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("small anterior pneumothorax", 0, "pneumothorax", N, UNC, N),
            ("Patchy airspace opacity in the right mid and lower lung", 0, "opacity", R, POS, N),
            (
                "Nondisplaced fractures of the right 3rd and 4th ribs anteriorly",
                0,
                "fracture",
                R,
                POS,
                N,
            ),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Widened superior mediastinum", 0, "enlarged cardiomediastinum", N, POS, 2),
            ("Right lung airspace opacity", 0, "opacity", R, POS, 5),
            ("Right 3rd and 4th rib fractures", 0, "fracture", R, POS, 6),
            ("ETT", 0, "endotracheal tube", N, POS, 0),
            ("NGT", 0, "nasogastric tube", N, POS, 1),
        ],
    ),
    rep(
        """
Clinical details: 87F, fall at nursing home, left chest wall pain. On apixaban.
Findings:
Undisplaced fractures of the posterior arcs of the left 9th and 10th ribs. No pneumothorax or haemothorax. Heart size at upper limit of normal. Unfolded thoracic aorta with calcification of the aortic knuckle. Old united fracture of the right clavicle. Degenerative change thoracic spine.
Conclusion:
Left 9th and 10th rib fractures, no complicating pneumothorax.""",
        [
            (
                "Undisplaced fractures of the posterior arcs of the left 9th and 10th ribs",
                0,
                "fracture",
                L,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("haemothorax", 0, "effusion", N, NEG, N),
            ("Unfolded thoracic aorta", 0, "tortuous aorta", N, POS, N),
            ("calcification of the aortic knuckle", 0, "aortic calcification", N, POS, N),
            ("Old united fracture of the right clavicle", 0, "fracture", R, POS, N),
            ("Degenerative change thoracic spine", 0, "degenerative spine", N, POS, N),
            ("Left 9th and 10th rib fractures", 0, "fracture", L, POS, 0),
            ("complicating pneumothorax", 0, "pneumothorax", N, NEG, 1),
        ],
    ),
    rep(
        """
GSW left chest. Single supine AP.
Metallic bullet fragments project over the left mid lung. Left hemothorax and moderate left pneumothorax. Mediastinum midline. Subcutaneous gas in the left lateral chest wall. Left lower lung opacity may be contusion or aspirated blood.""",
        [
            ("Left hemothorax", 0, "effusion", L, POS, N),
            ("moderate left pneumothorax", 0, "pneumothorax", L, POS, N),
            (
                "Subcutaneous gas in the left lateral chest wall",
                0,
                "subcutaneous emphysema",
                L,
                POS,
                N,
            ),
            ("Left lower lung opacity", 0, "opacity", L, POS, N),
        ],
    ),
    rep(
        """
CLINICAL DETAILS: Motorcyclist v car. Hypotensive, reduced air entry right.
REPORT:
Large right tension pneumothorax with complete collapse of the right lung and shift of the mediastinum to the left. Flattening of the right hemidiaphragm. Fractures of the right 5th to 8th ribs laterally, with segmental fractures of the 6th and 7th ribs in keeping with a flail segment. Extensive surgical emphysema over the right chest wall extending into the neck.
COMMENT:
Right tension pneumothorax. Immediate decompression advised; discussed with the trauma team leader at XXXX.""",
        [
            ("Large right tension pneumothorax", 0, "pneumothorax", R, POS, N),
            ("complete collapse of the right lung", 0, "atelectasis", R, POS, N),
            ("Fractures of the right 5th to 8th ribs laterally", 0, "fracture", R, POS, N),
            ("segmental fractures of the 6th and 7th ribs", 0, "fracture", N, POS, N),
            ("flail segment", 0, "fracture", N, POS, N),
            (
                "Extensive surgical emphysema over the right chest wall extending into the neck",
                0,
                "subcutaneous emphysema",
                R,
                POS,
                N,
            ),
            ("Right tension pneumothorax", 0, "pneumothorax", R, POS, 0),
        ],
    ),
    rep(
        """
Clinical Details: Post insertion of left ICD for traumatic haemopneumothorax.
Findings:
Left-sided intercostal drain in situ, tip projected over the left apex. Small residual left haemopneumothorax with an air-fluid level at the left base. Left basal atelectasis. Fractures of the left 3rd to 6th ribs again noted. Right lung clear. Surgical emphysema less extensive.
Conclusion:
Satisfactory drain position. Small residual left haemopneumothorax.""",
        [
            ("Left-sided intercostal drain", 0, "chest tube", L, POS, N),
            ("Small residual left haemopneumothorax", 0, "pneumothorax", L, POS, N),
            ("Left basal atelectasis", 0, "atelectasis", L, POS, N),
            ("Fractures of the left 3rd to 6th ribs", 0, "fracture", L, POS, N),
            ("Surgical emphysema", 0, "subcutaneous emphysema", N, POS, N),
            ("drain", 1, "chest tube", N, POS, 0),
            ("Small residual left haemopneumothorax", 1, "pneumothorax", L, POS, 1),
        ],
    ),
    rep(
        """
EXAMINATION: Chest, AP upright portable.
HISTORY: 79-year-old woman, ground-level fall, right-sided chest pain.
FINDINGS:
Lines/tubes: Left chest wall dual-lead pacemaker, leads in the right atrium and right ventricle.
Lungs: Low lung volumes. Streaky right basilar opacity, probably atelectasis. No pneumothorax.
Pleura: Blunting of the right costophrenic angle, which could represent a small effusion or early hemothorax in the setting of trauma.
Heart/mediastinum: Mild cardiomegaly. Aortic arch calcification.
Bones: Possible nondisplaced fracture of the lateral right 8th rib. Osteopenia. Moderate thoracic dextroscoliosis.
IMPRESSION:
1. Possible nondisplaced right 8th rib fracture; dedicated rib views or CT may be helpful if clinically warranted.
2. Small right effusion versus hemothorax.
3. Right basilar atelectasis.""",
        [
            ("Left chest wall dual-lead pacemaker", 0, "pacemaker", L, POS, N),
            ("Streaky right basilar opacity", 0, "opacity", R, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Blunting of the right costophrenic angle", 0, "effusion", R, POS, N),
            ("small effusion", 0, "effusion", N, UNC, N),
            ("early hemothorax", 0, "effusion", N, UNC, N),
            ("Mild cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Aortic arch calcification", 0, "aortic calcification", N, POS, N),
            ("nondisplaced fracture of the lateral right 8th rib", 0, "fracture", R, UNC, N),
            ("Moderate thoracic dextroscoliosis", 0, "scoliosis", N, POS, N),
            ("nondisplaced right 8th rib fracture", 0, "fracture", R, UNC, 9),
            ("Small right effusion", 0, "effusion", R, UNC, 5),
            ("hemothorax", 1, "effusion", N, UNC, 6),
            ("Right basilar atelectasis", 0, "atelectasis", R, POS, 2),
        ],
    ),
    rep(
        "Trauma series: no pneumothorax. No fracture seen.",
        [
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("fracture", 0, "fracture", N, NEG, N),
        ],
    ),
    rep(
        """
Clinical details: Assault, kicked to chest. Neck crepitus.
Findings:
Lucent streaks outline the left heart border and extend up into the superior mediastinum, in keeping with pneumomediastinum. Surgical emphysema in the lower neck bilaterally and over the right pectoral region. No pneumothorax is demonstrated. Lungs clear. No rib fracture identified.
Conclusion:
Pneumomediastinum with cervical surgical emphysema. ?Airway or oesophageal injury - CT recommended.""",
        [
            ("pneumomediastinum", 0, "pneumomediastinum", N, POS, N),
            (
                "Surgical emphysema in the lower neck bilaterally and over the right pectoral region",
                0,
                "subcutaneous emphysema",
                B,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("rib fracture", 0, "fracture", N, NEG, N),
            ("Pneumomediastinum", 0, "pneumomediastinum", N, POS, 0),
            ("cervical surgical emphysema", 0, "subcutaneous emphysema", N, POS, 1),
        ],
    ),
    rep(
        """
EXAMINATION: PORTABLE SUPINE CHEST, TRAUMA
INDICATION: 58-year-old male pedestrian struck by vehicle. Hypoxic, paradoxical chest wall movement on the left.
TECHNIQUE: Single supine AP view obtained in the trauma bay.
COMPARISON: None available.
FINDINGS:
Support devices: Endotracheal tube terminates at the level of the clavicular heads, approximately 6 cm above the carina. An enteric tube is coiled in the upper esophagus and should be repositioned. Left-sided chest tube with its tip directed toward the left apex. EKG leads overlie the chest.
Bones: Comminuted, displaced fractures of the left 4th through 8th ribs. The 5th to 7th ribs are fractured anteriorly and posterolaterally, consistent with a flail segment. Fracture of the body of the left scapula. Left clavicle intact. Questionable nondisplaced fracture of the right 2nd rib.
Lungs and pleura: Dense airspace consolidation throughout the left mid and lower lung, compatible with pulmonary contusion; superimposed aspiration cannot be excluded. Residual small left pneumothorax along the lateral chest wall. Diffuse increased haziness over the left hemithorax, suggesting layering hemothorax. Right lung is clear. No right pneumothorax.
Mediastinum: The mediastinum is not widened. Cardiac silhouette normal for technique.
Soft tissues: Moderate subcutaneous emphysema along the left lateral chest wall.
IMPRESSION:
1. Left flail chest with displaced fractures of ribs 4-8 and a left scapular fracture.
2. Left pulmonary contusion, small residual left pneumothorax with chest tube in place, and probable layering hemothorax.
3. Enteric tube coiled in the esophagus; recommend repositioning.
4. Possible right 2nd rib fracture.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("enteric tube", 0, "nasogastric tube", N, POS, N),
            ("Left-sided chest tube", 0, "chest tube", L, POS, N),
            ("EKG leads", 0, "support device", N, POS, N),
            (
                "Comminuted, displaced fractures of the left 4th through 8th ribs",
                0,
                "fracture",
                L,
                POS,
                N,
            ),
            (
                "5th to 7th ribs are fractured anteriorly and posterolaterally",
                0,
                "fracture",
                N,
                POS,
                N,
            ),
            ("flail segment", 0, "fracture", N, POS, N),
            ("Fracture of the body of the left scapula", 0, "fracture", L, POS, N),
            ("nondisplaced fracture of the right 2nd rib", 0, "fracture", R, UNC, N),
            (
                "Dense airspace consolidation throughout the left mid and lower lung",
                0,
                "consolidation",
                L,
                POS,
                N,
            ),
            (
                "Residual small left pneumothorax along the lateral chest wall",
                0,
                "pneumothorax",
                L,
                POS,
                N,
            ),
            ("Diffuse increased haziness over the left hemithorax", 0, "opacity", L, POS, N),
            ("layering hemothorax", 0, "effusion", N, UNC, N),
            ("right pneumothorax", 0, "pneumothorax", R, NEG, N),
            (
                "Moderate subcutaneous emphysema along the left lateral chest wall",
                0,
                "subcutaneous emphysema",
                L,
                POS,
                N,
            ),
            ("Left flail chest", 0, "fracture", L, POS, 6),
            ("displaced fractures of ribs 4-8", 0, "fracture", N, POS, 4),
            ("left scapular fracture", 0, "fracture", L, POS, 7),
            ("small residual left pneumothorax", 0, "pneumothorax", L, POS, 10),
            ("chest tube", 1, "chest tube", N, POS, 2),
            ("layering hemothorax", 1, "effusion", N, UNC, 12),
            ("Enteric tube", 0, "nasogastric tube", N, POS, 1),
            ("right 2nd rib fracture", 0, "fracture", R, UNC, 8),
        ],
    ),
    rep(
        """
Trauma series.
CXR: Comminuted fracture of the middle third of the right clavicle with 1 shaft width inferior displacement. No pneumothorax. No rib fracture seen. Lungs and pleural spaces clear.""",
        [
            (
                "Comminuted fracture of the middle third of the right clavicle",
                0,
                "fracture",
                R,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("rib fracture", 0, "fracture", N, NEG, N),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Supine AP view. Deep sulcus sign on the left with hyperlucency of the left upper quadrant, suspicious for anterior pneumothorax. Left lower lobe collapse. Heart size normal. Mediastinal contours are within normal limits. Fracture of the left 1st rib posteriorly.
IMPRESSION:
1. Findings suspicious for a left anterior pneumothorax on this supine radiograph. Consider CT or an upright/decubitus view.
2. Left 1st rib fracture. This implies high-energy trauma; correlate for vascular injury.""",
        [
            ("anterior pneumothorax", 0, "pneumothorax", N, UNC, N),
            ("Left lower lobe collapse", 0, "atelectasis", L, POS, N),
            ("Fracture of the left 1st rib posteriorly", 0, "fracture", L, POS, N),
            ("left anterior pneumothorax", 0, "pneumothorax", L, UNC, 0),
            ("Left 1st rib fracture", 0, "fracture", L, POS, 2),
        ],
    ),
    rep(
        """
Clinical details: Fall. ?rib fractures.
Findings: No acute rib fracture is identified; note plain radiographs are insensitive for undisplaced injuries. Old healed fractures of the right 6th-8th ribs laterally. No pneumothorax or pleural effusion. Cardiomegaly. Calcified aortic knuckle. Moderate hiatus hernia.""",
        [
            ("acute rib fracture", 0, "fracture", N, NEG, N),
            ("Old healed fractures of the right 6th-8th ribs laterally", 0, "fracture", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("Cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Calcified aortic knuckle", 0, "aortic calcification", N, POS, N),
            ("Moderate hiatus hernia", 0, "hiatal hernia", N, POS, N),
        ],
    ),
    rep(
        """
HISTORY: Stab wound to the right chest, status post right chest tube placement.
FINDINGS:
Right chest tube with tip at the right apex, side hole within the pleural space. The previously seen right pneumothorax has resolved. Small amount of subcutaneous air at the tube insertion site. Faint ground-glass opacity in the right lower lung may reflect contusion or atelectasis. No pleural effusion. Heart and mediastinum unremarkable.
IMPRESSION:
Resolution of right pneumothorax after chest tube placement.""",
        [
            ("Right chest tube", 0, "chest tube", R, POS, N),
            ("previously seen right pneumothorax", 0, "pneumothorax", R, NEG, N),
            (
                "Small amount of subcutaneous air at the tube insertion site",
                0,
                "subcutaneous emphysema",
                N,
                POS,
                N,
            ),
            (
                "Faint ground-glass opacity in the right lower lung",
                0,
                "ground-glass opacity",
                R,
                POS,
                N,
            ),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("pleural effusion", 0, "effusion", N, NEG, N),
            ("right pneumothorax", 1, "pneumothorax", R, NEG, 1),
            ("chest tube", 2, "chest tube", N, POS, 0),
        ],
    ),
    rep(
        """
Clinical details: Head injury following assault, intubated. GCS 6.
Report:
ETT tip 4cm above carina. NGT tip below the diaphragm. Patchy shadowing in the right lower zone, ? aspiration. Both costophrenic angles are clear. No pneumothorax. No displaced rib fractures.
Comment:
1. Tubes satisfactorily positioned.
2. Right lower zone shadowing - aspiration not excluded.""",
        [
            ("ETT", 0, "endotracheal tube", N, POS, N),
            ("NGT", 0, "nasogastric tube", N, POS, N),
            ("Patchy shadowing in the right lower zone", 0, "opacity", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("displaced rib fractures", 0, "fracture", N, NEG, N),
            ("Tubes", 0, "support device", N, POS, N),
            ("Right lower zone shadowing", 0, "opacity", R, POS, 2),
        ],
        crlf=True,
    ),
    rep(
        """
CHEST AP, TRAUMA
FINDINGS:
Free air beneath the right hemidiaphragm. Transverse fracture of the sternum is suspected but poorly evaluated on the frontal view. Seat belt soft tissue swelling over the left shoulder. Lungs are clear. No pneumothorax or effusion. Cardiomediastinal silhouette normal.
IMPRESSION:
Pneumoperitoneum, concerning for hollow viscus injury. Urgent CT abdomen/pelvis. Discussed with Dr. XXXX at XXXX.""",
        [
            ("Free air beneath the right hemidiaphragm", 0, "pneumoperitoneum", R, POS, N),
            ("Transverse fracture of the sternum", 0, "fracture", N, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("Pneumoperitoneum", 0, "pneumoperitoneum", N, POS, 0),
        ],
    ),
    rep(
        """
Clinical Details: 91M. Fall down stairs, supine on spinal board. Right chest wall tenderness.
Findings:
Supine film with spinal immobilisation artefact. Median sternotomy wires and a left-sided pacemaker noted. Displaced fractures of the right 5th and 6th ribs anterolaterally. Cannot exclude a small anterior pneumothorax on this supine film. Hazy increased density over the right hemithorax could be layering haemothorax. Heart size difficult to assess on AP projection. Atherosclerotic calcification of the aortic arch.
Conclusion:
Right 5th and 6th rib fractures. Possible small right haemothorax; no definite pneumothorax, although a small anterior one cannot be excluded. CT chest suggested.""",
        [
            ("Median sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("left-sided pacemaker", 0, "pacemaker", L, POS, N),
            (
                "Displaced fractures of the right 5th and 6th ribs anterolaterally",
                0,
                "fracture",
                R,
                POS,
                N,
            ),
            ("small anterior pneumothorax", 0, "pneumothorax", N, UNC, N),
            ("Hazy increased density over the right hemithorax", 0, "opacity", R, POS, N),
            ("layering haemothorax", 0, "effusion", N, UNC, N),
            (
                "Atherosclerotic calcification of the aortic arch",
                0,
                "aortic calcification",
                N,
                POS,
                N,
            ),
            ("Right 5th and 6th rib fractures", 0, "fracture", R, POS, 2),
            ("small right haemothorax", 0, "effusion", R, UNC, 5),
            ("definite pneumothorax", 0, "pneumothorax", N, NEG, 3),
        ],
    ),
    rep(
        "Single supine AP trauma film. Widened mediastinum with loss of the aortic knob contour and rightward tracheal deviation. No pneumothorax. Recommend CTA chest.",
        [
            ("Widened mediastinum", 0, "enlarged cardiomediastinum", N, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
Indication: Fall from ladder (approx 3 m). Left-sided chest pain, SpO2 92%.
Findings:
Small left apical pneumothorax (1 cm apical rim). Undisplaced fracture of the left 2nd rib posteriorly is likely. Left lung otherwise clear. Right lung clear. No mediastinal widening. No subcutaneous emphysema. The left hemidiaphragm is elevated.
Impression:
Small left apical pneumothorax. Probable left 2nd rib fracture. Elevated left hemidiaphragm, ?diaphragmatic injury - correlate with CT.""",
        [
            ("Small left apical pneumothorax (1 cm apical rim)", 0, "pneumothorax", L, POS, N),
            ("Undisplaced fracture of the left 2nd rib posteriorly", 0, "fracture", L, UNC, N),
            ("mediastinal widening", 0, "enlarged cardiomediastinum", N, NEG, N),
            ("subcutaneous emphysema", 0, "subcutaneous emphysema", N, NEG, N),
            ("left hemidiaphragm is elevated", 0, "elevated hemidiaphragm", L, POS, N),
            ("Small left apical pneumothorax", 1, "pneumothorax", L, POS, 0),
            ("left 2nd rib fracture", 0, "fracture", L, UNC, 1),
            ("Elevated left hemidiaphragm", 0, "elevated hemidiaphragm", L, POS, 4),
        ],
    ),
    rep(
        """
REASON FOR EXAM: 83-year-old male found down, unknown downtime. Evaluate for traumatic injury.
FINDINGS:
The lungs are hyperinflated, compatible with emphysema. Focal consolidation in the left lower lobe with air bronchograms, which may represent aspiration pneumonia or contusion. Small left pleural effusion. No pneumothorax. Heart size is normal. Tortuous thoracic aorta. Acute-appearing fractures of the left 9th and 10th ribs posterolaterally. Chronic compression fracture of a mid-thoracic vertebral body.
IMPRESSION:
1. Left lower lobe consolidation; aspiration pneumonia versus pulmonary contusion.
2. Acute left 9th-10th rib fractures with small left effusion, possibly hemothorax.
3. Emphysema.""",
        [
            ("lungs are hyperinflated", 0, "hyperinflation", N, POS, N),
            ("emphysema", 0, "emphysema", N, POS, N),
            ("Focal consolidation in the left lower lobe", 0, "consolidation", L, POS, N),
            ("aspiration pneumonia", 0, "pneumonia", N, UNC, N),
            ("Small left pleural effusion", 0, "effusion", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Tortuous thoracic aorta", 0, "tortuous aorta", N, POS, N),
            (
                "Acute-appearing fractures of the left 9th and 10th ribs posterolaterally",
                0,
                "fracture",
                L,
                POS,
                N,
            ),
            (
                "Chronic compression fracture of a mid-thoracic vertebral body",
                0,
                "fracture",
                N,
                POS,
                N,
            ),
            ("Left lower lobe consolidation", 0, "consolidation", L, POS, 2),
            ("aspiration pneumonia", 1, "pneumonia", N, UNC, 3),
            ("Acute left 9th-10th rib fractures", 0, "fracture", L, POS, 7),
            ("small left effusion", 0, "effusion", L, POS, 4),
            ("hemothorax", 0, "effusion", N, UNC, N),
            ("Emphysema", 0, "emphysema", N, POS, 1),
        ],
    ),
    rep(
        """
Trauma CXR, supine.
Bilateral intercostal drains in situ. Both lungs re-expanded; no residual pneumothorax. Right mid zone airspace opacification, in keeping with contusion. Multiple bilateral rib fractures, better seen on CT. Small volume pneumomediastinum. ETT and NG tube satisfactory.""",
        [
            ("Bilateral intercostal drains", 0, "chest tube", B, POS, N),
            ("residual pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Right mid zone airspace opacification", 0, "opacity", R, POS, N),
            ("Multiple bilateral rib fractures", 0, "fracture", B, POS, N),
            ("Small volume pneumomediastinum", 0, "pneumomediastinum", N, POS, N),
            ("ETT", 0, "endotracheal tube", N, POS, N),
            ("NG tube", 0, "nasogastric tube", N, POS, N),
        ],
    ),
    rep(
        """
EXAM: XR CHEST 1 VIEW
INDICATION: Trauma activation, post intubation.
FINDINGS:
ET tube tip is in the right main bronchus; recommend withdrawal by 3 cm. Gastric tube tip overlies the stomach. Right IJ central line with tip at the cavoatrial junction. Near-complete opacification of the left hemithorax, likely collapse secondary to the malpositioned tube, with hemothorax not excluded. No pneumothorax on the right. Old right clavicular fracture deformity.
IMPRESSION:
Right mainstem intubation with probable left lung collapse. Hemothorax cannot be excluded. Reassess after tube repositioning. Findings telephoned to the trauma team at XXXX.""",
        [
            ("ET tube", 0, "endotracheal tube", N, POS, N),
            ("Gastric tube", 0, "nasogastric tube", N, POS, N),
            ("Right IJ central line", 0, "central venous catheter", R, POS, N),
            ("Near-complete opacification of the left hemithorax", 0, "opacity", L, POS, N),
            ("collapse", 0, "atelectasis", N, UNC, N),
            ("hemothorax", 0, "effusion", N, UNC, N),
            ("pneumothorax on the right", 0, "pneumothorax", R, NEG, N),
            ("Old right clavicular fracture deformity", 0, "fracture", R, POS, N),
            ("left lung collapse", 0, "atelectasis", L, UNC, 4),
            ("Hemothorax", 0, "effusion", N, UNC, 5),
        ],
        crlf=True,
    ),
]
