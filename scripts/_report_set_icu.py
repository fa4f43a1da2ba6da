"""Hand-written "icu" reports: portable AP films with lines, tubes and parenchymal findings.

Written for this project.
"""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        """
PORTABLE AP CHEST, XXXX at 04:12.
INDICATION: Intubated patient, line placement.
FINDINGS:
Endotracheal tube terminates 4 cm above the carina. Orogastric tube courses below the diaphragm, tip not visualized. Right internal jugular central venous catheter terminates in the mid SVC. Retrocardiac opacity is present. Small left pleural effusion. No pneumothorax.
IMPRESSION:
1. Support devices in standard position.
2. Retrocardiac opacity, atelectasis versus consolidation.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Orogastric tube", 0, "nasogastric tube", N, POS, N),
            (
                "Right internal jugular central venous catheter",
                0,
                "central venous catheter",
                R,
                POS,
                N,
            ),
            ("Retrocardiac opacity", 0, "opacity", N, POS, N),
            ("Small left pleural effusion", 0, "effusion", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Support devices", 0, "support device", N, POS, N),
            ("Retrocardiac opacity", 1, "opacity", N, POS, 3),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("consolidation", 0, "consolidation", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
ETT tip 3 cm above the carina. Enteric tube tip in the stomach. Left subclavian central venous catheter with tip at the cavoatrial junction. Swan-Ganz catheter terminates in the right main pulmonary artery. Left chest tube in place. No pneumothorax. Bibasilar atelectasis. Mild pulmonary edema.
IMPRESSION:
Lines and tubes as above. No pneumothorax. Mild pulmonary edema.""",
        [
            ("ETT", 0, "endotracheal tube", N, POS, N),
            ("Enteric tube", 0, "nasogastric tube", N, POS, N),
            ("Left subclavian central venous catheter", 0, "central venous catheter", L, POS, N),
            ("Swan-Ganz catheter", 0, "pulmonary artery catheter", N, POS, N),
            ("Left chest tube", 0, "chest tube", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Bibasilar atelectasis", 0, "atelectasis", B, POS, N),
            ("Mild pulmonary edema", 0, "edema", N, POS, N),
            ("Lines and tubes", 0, "support device", N, POS, N),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 5),
            ("Mild pulmonary edema", 1, "edema", N, POS, 7),
        ],
    ),
    rep(
        """
Portable semi-upright AP view.
Tracheostomy tube in stable position. Right PICC terminates in the distal SVC. Diffuse bilateral airspace opacities, similar to prior, compatible with ARDS. No pneumothorax. Small bilateral effusions.""",
        [
            ("Tracheostomy tube", 0, "tracheostomy tube", N, POS, N),
            ("Right PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("Diffuse bilateral airspace opacities", 0, "opacity", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Small bilateral effusions", 0, "effusion", B, POS, N),
        ],
    ),
    rep(
        """
INDICATION: Post CABG.
FINDINGS:
Status post median sternotomy and CABG. Sternotomy wires are intact. Endotracheal tube in good position, 5 cm above the carina. Nasogastric tube tip in the stomach. Right IJ Swan-Ganz catheter with tip in the right pulmonary artery. Mediastinal drain and left pleural drain in place. Left basilar atelectasis. No pneumothorax.
IMPRESSION:
Expected postoperative appearance. Left basilar atelectasis.""",
        [
            ("Sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("Right IJ Swan-Ganz catheter", 0, "pulmonary artery catheter", R, POS, N),
            ("Mediastinal drain", 0, "chest tube", N, POS, N),
            ("left pleural drain", 0, "chest tube", L, POS, N),
            ("Left basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Left basilar atelectasis", 1, "atelectasis", L, POS, 6),
        ],
    ),
    rep(
        """
CHEST, SINGLE AP PORTABLE VIEW
COMPARISON: XXXX
FINDINGS:
Interval placement of a left internal jugular central line with tip projecting over the brachiocephalic confluence. No pneumothorax. ET tube and OG tube are unchanged. Worsening perihilar haziness and septal lines consistent with pulmonary edema. Bilateral pleural effusions, layering.
IMPRESSION:
1. Left IJ line tip at the brachiocephalic confluence; advancement by 3 cm would place it in the SVC.
2. Worsening pulmonary edema.""",
        [
            ("left internal jugular central line", 0, "central venous catheter", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("ET tube", 0, "endotracheal tube", N, POS, N),
            ("OG tube", 0, "nasogastric tube", N, POS, N),
            ("Worsening perihilar haziness", 0, "opacity", N, POS, N),
            ("septal lines", 0, "septal lines", N, POS, N),
            ("pulmonary edema", 0, "edema", N, POS, N),
            ("Bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("Left IJ line", 0, "central venous catheter", L, POS, 0),
            ("Worsening pulmonary edema", 0, "edema", N, POS, 6),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
The endotracheal tube is in the right mainstem bronchus. Recommend withdrawal by 2 cm. Complete opacification of the left hemithorax likely reflects left lung collapse. Nasogastric tube in the stomach.
IMPRESSION:
Right mainstem intubation with left lung collapse. Findings discussed with the ICU team at XXXX.""",
        [
            ("endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Complete opacification of the left hemithorax", 0, "opacity", L, POS, N),
            ("left lung collapse", 0, "atelectasis", L, UNC, N),
            ("Nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("left lung collapse", 1, "atelectasis", L, POS, 2),
        ],
    ),
    rep(
        """
Portable AP chest at 06:00.
Lines: Right IJ CVC tip at cavoatrial junction. Left PICC tip in the left brachiocephalic vein. Pacemaker leads in RA and RV.
Lungs: Patchy left retrocardiac opacity. Mild vascular congestion. Trace right effusion.
Pleura: No pneumothorax.""",
        [
            ("Right IJ CVC", 0, "central venous catheter", R, POS, N),
            ("Left PICC", 0, "peripherally inserted central catheter", L, POS, N),
            ("Pacemaker leads", 0, "pacemaker", N, POS, N),
            ("Patchy left retrocardiac opacity", 0, "opacity", L, POS, N),
            ("Mild vascular congestion", 0, "vascular congestion", N, POS, N),
            ("Trace right effusion", 0, "effusion", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Endotracheal tube tip is 7 cm above the carina, could be advanced 2 cm. Feeding tube passes into the stomach and beyond the field of view. Low lung volumes. Streaky bibasilar opacities, likely atelectasis. No large effusion. No pneumothorax.
IMPRESSION:
Endotracheal tube slightly high. Bibasilar atelectasis.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Feeding tube", 0, "nasogastric tube", N, POS, N),
            ("Streaky bibasilar opacities", 0, "opacity", B, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("large effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Endotracheal tube", 1, "endotracheal tube", N, POS, 0),
            ("Bibasilar atelectasis", 0, "atelectasis", B, POS, 3),
        ],
    ),
    rep(
        """
INDICATION: Chest tube placement for pneumothorax.
FINDINGS:
A right-sided pigtail catheter has been placed with its tip at the right apex. There is a small residual right apical pneumothorax measuring 1.5 cm. Subcutaneous emphysema in the right lateral chest wall. Right basilar atelectasis.
IMPRESSION:
Small residual right apical pneumothorax after pigtail catheter placement.""",
        [
            ("right-sided pigtail catheter", 0, "chest tube", R, POS, N),
            (
                "small residual right apical pneumothorax measuring 1.5 cm",
                0,
                "pneumothorax",
                R,
                POS,
                N,
            ),
            (
                "Subcutaneous emphysema in the right lateral chest wall",
                0,
                "subcutaneous emphysema",
                R,
                POS,
                N,
            ),
            ("Right basilar atelectasis", 0, "atelectasis", R, POS, N),
            ("Small residual right apical pneumothorax", 0, "pneumothorax", R, POS, 1),
            ("pigtail catheter", 1, "chest tube", N, POS, 0),
        ],
    ),
    rep(
        """
FINDINGS:
Interval removal of the endotracheal tube and nasogastric tube. Right internal jugular catheter remains in place with tip in the SVC. Improving left lower lobe consolidation. No pneumothorax. Small left pleural effusion.
IMPRESSION:
Extubated. Improving left lower lobe consolidation.""",
        [
            ("endotracheal tube", 0, "endotracheal tube", N, NEG, N),
            ("nasogastric tube", 0, "nasogastric tube", N, NEG, N),
            ("Right internal jugular catheter", 0, "central venous catheter", R, POS, N),
            ("Improving left lower lobe consolidation", 0, "consolidation", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Small left pleural effusion", 0, "effusion", L, POS, N),
            ("Improving left lower lobe consolidation", 1, "consolidation", L, POS, 3),
        ],
    ),
    rep(
        """
Portable AP upright chest.
FINDINGS: Left-sided transvenous pacemaker, leads in the right atrium and right ventricle. Right subclavian Swan-Ganz catheter, tip in the main pulmonary artery. Enlarged cardiac silhouette. Pulmonary vascular congestion. Bilateral perihilar airspace opacities, consistent with alveolar edema. Small bilateral pleural effusions.
IMPRESSION: Congestive failure with alveolar edema.""",
        [
            ("Left-sided transvenous pacemaker", 0, "pacemaker", L, POS, N),
            ("Right subclavian Swan-Ganz catheter", 0, "pulmonary artery catheter", R, POS, N),
            ("Enlarged cardiac silhouette", 0, "cardiomegaly", N, POS, N),
            ("Pulmonary vascular congestion", 0, "vascular congestion", N, POS, N),
            ("Bilateral perihilar airspace opacities", 0, "opacity", B, POS, N),
            ("alveolar edema", 0, "edema", N, POS, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("alveolar edema", 1, "edema", N, POS, 5),
        ],
    ),
    rep(
        """
FINDINGS:
Endotracheal tube 4.5 cm above the carina. Right IJ and left subclavian central venous catheters, both terminating in the SVC. New large left pneumothorax with rightward mediastinal shift.
IMPRESSION:
New large left pneumothorax with mediastinal shift, concerning for tension physiology. Dr XXXX was notified by telephone at XXXX.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            (
                "Right IJ and left subclavian central venous catheters",
                0,
                "central venous catheter",
                B,
                POS,
                N,
            ),
            ("New large left pneumothorax", 0, "pneumothorax", L, POS, N),
            ("New large left pneumothorax", 1, "pneumothorax", L, POS, 2),
        ],
    ),
    rep(
        """
Supine AP portable.
ETT terminates at the thoracic inlet, approximately 8 cm above the carina. Dobhoff tube tip in the duodenum. Right PICC tip in the right atrium; recommend retraction by 2 cm. Lung volumes are low. Hazy opacity at the left base may represent layering effusion and atelectasis. No definite pneumothorax on this supine film.""",
        [
            ("ETT", 0, "endotracheal tube", N, POS, N),
            ("Dobhoff tube", 0, "nasogastric tube", N, POS, N),
            ("Right PICC", 0, "peripherally inserted central catheter", R, POS, N),
            ("Hazy opacity at the left base", 0, "opacity", L, POS, N),
            ("layering effusion", 0, "effusion", N, UNC, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("definite pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
FINDINGS:
Tracheostomy tube tip is midline, 5 cm above the carina. Left internal jugular Swan-Ganz catheter tip in the right interlobar pulmonary artery, slightly distal; retraction by 2 cm is advised. Right-sided chest tube in place. No residual pneumothorax. Patchy right lower lobe airspace disease, pneumonia not excluded.
IMPRESSION:
1. Swan-Ganz catheter slightly distal.
2. Patchy right lower lobe opacity; pneumonia not excluded.""",
        [
            ("Tracheostomy tube", 0, "tracheostomy tube", N, POS, N),
            ("Left internal jugular Swan-Ganz catheter", 0, "pulmonary artery catheter", L, POS, N),
            ("Right-sided chest tube", 0, "chest tube", R, POS, N),
            ("residual pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Patchy right lower lobe airspace disease", 0, "opacity", R, POS, N),
            ("pneumonia", 0, "pneumonia", N, UNC, N),
            ("Swan-Ganz catheter", 1, "pulmonary artery catheter", N, POS, 1),
            ("Patchy right lower lobe opacity", 0, "opacity", R, POS, 4),
            ("pneumonia", 1, "pneumonia", N, UNC, 5),
        ],
    ),
    rep(
        """
EXAM: PORTABLE CHEST
CLINICAL HISTORY: Sepsis, hypoxia.
FINDINGS:
Endotracheal tube and orogastric tube are unchanged in position. Diffuse bilateral hazy opacities have progressed. Bilateral pleural effusions are small. Heart size is stable.
IMPRESSION:
Progressive bilateral opacities, which may represent worsening edema, infection, or ARDS.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("orogastric tube", 0, "nasogastric tube", N, POS, N),
            ("Diffuse bilateral hazy opacities", 0, "opacity", B, POS, N),
            ("Bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("Progressive bilateral opacities", 0, "opacity", B, POS, 2),
            ("worsening edema", 0, "edema", N, UNC, N),
        ],
        crlf=True,
    ),
    rep(
        """
FINDINGS:
Single-lead left chest wall pacer with lead tip in the right ventricle. Left internal jugular central venous catheter terminates at the junction of the SVC and right atrium. Mild cardiomegaly. Retrocardiac opacity with obscuration of the left hemidiaphragm, likely atelectasis. Small bilateral pleural effusions. No pneumothorax.
IMPRESSION:
Retrocardiac atelectasis and small effusions.""",
        [
            ("Single-lead left chest wall pacer", 0, "pacemaker", L, POS, N),
            (
                "Left internal jugular central venous catheter",
                0,
                "central venous catheter",
                L,
                POS,
                N,
            ),
            ("Mild cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("Retrocardiac opacity", 0, "opacity", N, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("Small bilateral pleural effusions", 0, "effusion", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Retrocardiac atelectasis", 0, "atelectasis", N, POS, 4),
            ("small effusions", 0, "effusion", N, POS, 5),
        ],
    ),
    rep(
        """
PORTABLE AP CHEST, XXXX, 05:40.
CLINICAL HISTORY: 58-year-old man intubated for acute respiratory failure after aspiration. Assess tubes and lines.
COMPARISON: XXXX at 18:20.
FINDINGS:
Devices: The endotracheal tube terminates approximately 3.5 cm above the carina, in satisfactory position. An orogastric tube courses below the left hemidiaphragm with its side port beyond the gastroesophageal junction. A right internal jugular central venous catheter terminates at the cavoatrial junction. A left subclavian pulmonary artery catheter has been placed in the interval and terminates in the proximal right pulmonary artery. A left chest tube is unchanged in position with its tip at the left apex. External monitoring leads overlie the chest.
Lungs and pleura: Dense consolidation in the right lower lobe with air bronchograms has progressed compared with the prior radiograph. There is new patchy opacity in the left lower lobe, which could represent additional aspiration or atelectasis. Mild perihilar haziness likely reflects superimposed mild edema. There is a small left pleural effusion. A trace left apical pneumothorax, seen previously, is no longer visible. No right pneumothorax.
Heart and mediastinum: The cardiomediastinal silhouette is stable and within normal limits for an AP portable technique. No pneumomediastinum.
IMPRESSION:
1. Lines and tubes in satisfactory position, including a new left subclavian pulmonary artery catheter.
2. Progressive right lower lobe consolidation and new left lower lobe opacity, consistent with evolving aspiration pneumonia; left basilar atelectasis is also possible.
3. Resolved left apical pneumothorax.""",
        [
            ("endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("orogastric tube", 0, "nasogastric tube", N, POS, N),
            (
                "right internal jugular central venous catheter",
                0,
                "central venous catheter",
                R,
                POS,
                N,
            ),
            (
                "left subclavian pulmonary artery catheter",
                0,
                "pulmonary artery catheter",
                L,
                POS,
                N,
            ),
            ("left chest tube", 0, "chest tube", L, POS, N),
            ("External monitoring leads", 0, "support device", N, POS, N),
            ("Dense consolidation in the right lower lobe", 0, "consolidation", R, POS, N),
            ("new patchy opacity in the left lower lobe", 0, "opacity", L, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("Mild perihilar haziness", 0, "opacity", N, POS, N),
            ("superimposed mild edema", 0, "edema", N, UNC, N),
            ("small left pleural effusion", 0, "effusion", L, POS, N),
            ("trace left apical pneumothorax", 0, "pneumothorax", L, NEG, N),
            ("right pneumothorax", 0, "pneumothorax", R, NEG, N),
            ("pneumomediastinum", 0, "pneumomediastinum", N, NEG, N),
            ("Lines and tubes", 0, "support device", N, POS, N),
            (
                "new left subclavian pulmonary artery catheter",
                0,
                "pulmonary artery catheter",
                L,
                POS,
                3,
            ),
            ("Progressive right lower lobe consolidation", 0, "consolidation", R, POS, 6),
            ("new left lower lobe opacity", 0, "opacity", L, POS, 7),
            ("evolving aspiration pneumonia", 0, "pneumonia", N, POS, N),
            ("left basilar atelectasis", 0, "atelectasis", L, UNC, 8),
            ("left apical pneumothorax", 1, "pneumothorax", L, NEG, 12),
        ],
    ),
    rep(
        """
INDICATION: Line placement.
FINDINGS:
Right subclavian central venous catheter has been placed, tip in the right atrium, approximately 3 cm below the cavoatrial junction. No pneumothorax. Monitoring leads overlie the chest. The lungs are clear.
IMPRESSION:
Right subclavian catheter tip in the right atrium; consider withdrawal by 3 cm. No pneumothorax.""",
        [
            ("Right subclavian central venous catheter", 0, "central venous catheter", R, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Monitoring leads", 0, "support device", N, POS, N),
            ("Right subclavian catheter", 0, "central venous catheter", R, POS, 0),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 1),
        ],
    ),
    rep(
        """
Portable AP at XXXX.
Endotracheal tube, nasogastric tube and bilateral chest tubes remain in place. Interval development of pneumomediastinum with subcutaneous emphysema tracking into the neck. No pneumothorax is seen. Bilateral lower lobe consolidation, unchanged.""",
        [
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("nasogastric tube", 0, "nasogastric tube", N, POS, N),
            ("bilateral chest tubes", 0, "chest tube", B, POS, N),
            ("pneumomediastinum", 0, "pneumomediastinum", N, POS, N),
            (
                "subcutaneous emphysema tracking into the neck",
                0,
                "subcutaneous emphysema",
                N,
                POS,
                N,
            ),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("Bilateral lower lobe consolidation", 0, "consolidation", B, POS, N),
        ],
    ),
    rep(
        """
FINDINGS:
Left PICC terminates in the mid SVC. Enteric tube with tip in the gastric body. Mild interstitial edema, slightly improved. Small left effusion with left basilar atelectasis. Heart size normal.
IMPRESSION:
1. Left PICC in good position.
2. Improving mild interstitial edema.
3. Small left effusion and basilar atelectasis.""",
        [
            ("Left PICC", 0, "peripherally inserted central catheter", L, POS, N),
            ("Enteric tube", 0, "nasogastric tube", N, POS, N),
            ("Mild interstitial edema", 0, "edema", N, POS, N),
            ("Small left effusion", 0, "effusion", L, POS, N),
            ("left basilar atelectasis", 0, "atelectasis", L, POS, N),
            ("Left PICC", 1, "peripherally inserted central catheter", L, POS, 0),
            ("Improving mild interstitial edema", 0, "edema", N, POS, 2),
            ("Small left effusion", 1, "effusion", L, POS, 3),
            ("basilar atelectasis", 1, "atelectasis", N, POS, 4),
        ],
    ),
    rep(
        """
FINDINGS:
Patient is rotated. An orogastric tube terminates in the distal esophagus and should be advanced by at least 10 cm. Endotracheal tube is appropriately positioned. Right IJ introducer sheath. Dense left lower lobe consolidation with air bronchograms. Possible small left effusion.
IMPRESSION:
Orogastric tube in distal esophagus, advancement recommended. Left lower lobe consolidation, likely pneumonia or aspiration.""",
        [
            ("orogastric tube", 0, "nasogastric tube", N, POS, N),
            ("Endotracheal tube", 0, "endotracheal tube", N, POS, N),
            ("Right IJ introducer sheath", 0, "central venous catheter", R, POS, N),
            ("Dense left lower lobe consolidation", 0, "consolidation", L, POS, N),
            ("small left effusion", 0, "effusion", L, UNC, N),
            ("Orogastric tube", 0, "nasogastric tube", N, POS, 0),
            ("Left lower lobe consolidation", 0, "consolidation", L, POS, 3),
            ("pneumonia", 0, "pneumonia", N, UNC, N),
        ],
    ),
    rep(
        """
FINDINGS:
ETT, NGT, right IJ CVC and left chest tube are unchanged. Small left apical pneumothorax is stable. Persistent left lower lobe atelectasis. Moderate pulmonary edema with bilateral effusions.
IMPRESSION:
Stable small left apical pneumothorax with chest tube in place.""",
        [
            ("ETT", 0, "endotracheal tube", N, POS, N),
            ("NGT", 0, "nasogastric tube", N, POS, N),
            ("right IJ CVC", 0, "central venous catheter", R, POS, N),
            ("left chest tube", 0, "chest tube", L, POS, N),
            ("Small left apical pneumothorax", 0, "pneumothorax", L, POS, N),
            ("Persistent left lower lobe atelectasis", 0, "atelectasis", L, POS, N),
            ("Moderate pulmonary edema", 0, "edema", N, POS, N),
            ("bilateral effusions", 0, "effusion", B, POS, N),
            ("Stable small left apical pneumothorax", 0, "pneumothorax", L, POS, 4),
            ("chest tube", 1, "chest tube", N, POS, 3),
        ],
    ),
]
