"""Hand-written "lowercase" reports: all lower case, loose punctuation. Written for this project."""
# ruff: noqa: E501

from __future__ import annotations

from scripts._report_set_common import NEG, POS, UNC, B, L, N, R, Report, rep

REPORTS: list[Report] = [
    rep(
        "findings: small l effusion. no ptx.",
        [
            ("small l effusion", 0, "effusion", L, POS, N),
            ("ptx", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
indication: cough
findings: lungs clear. no focal consolidation effusion or pneumothorax. heart normal size.
impression: no acute disease""",
        [
            ("focal consolidation", 0, "consolidation", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        "portable ap chest. ett 4 cm above the carina. ng tube in stomach. right ij line tip svc. bibasilar atelectasis. no pneumothorax.",
        [
            ("ett", 0, "endotracheal tube", N, POS, N),
            ("ng tube", 0, "nasogastric tube", N, POS, N),
            ("right ij line", 0, "central venous catheter", R, POS, N),
            ("bibasilar atelectasis", 0, "atelectasis", B, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
findings: moderate cardiomegaly with pulmonary vascular congestion and mild interstitial edema. small bilateral effusions.
impression: chf with mild interstitial edema""",
        [
            ("moderate cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("pulmonary vascular congestion", 0, "vascular congestion", N, POS, N),
            ("mild interstitial edema", 0, "edema", N, POS, N),
            ("small bilateral effusions", 0, "effusion", B, POS, N),
            ("mild interstitial edema", 1, "edema", N, POS, 2),
        ],
    ),
    rep(
        "right lower lobe pneumonia. no effusion",
        [
            ("right lower lobe pneumonia", 0, "pneumonia", R, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
history: fall
findings: acute nondisplaced fractures of the left 7th and 8th ribs. no pneumothorax. lungs clear
impression: left rib fractures without pneumothorax""",
        [
            ("acute nondisplaced fractures of the left 7th and 8th ribs", 0, "fracture", L, POS, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("left rib fractures", 0, "fracture", L, POS, 0),
            ("pneumothorax", 1, "pneumothorax", N, NEG, 1),
        ],
    ),
    rep(
        """
findings: hyperinflated lungs consistent with emphysema. calcified granuloma rll. no acute infiltrate. heart size normal
impression: emphysema, no acute process""",
        [
            ("hyperinflated lungs", 0, "hyperinflation", N, POS, N),
            ("emphysema", 0, "emphysema", N, POS, N),
            ("calcified granuloma rll", 0, "calcified granuloma", R, POS, N),
            ("acute infiltrate", 0, "opacity", N, NEG, N),
            ("emphysema", 1, "emphysema", N, POS, 1),
        ],
    ),
    rep(
        """
findings:
patchy opacity left base ? atelectasis ? pneumonia
small left effusion
no ptx
impression: left basilar opacity, atelectasis vs pneumonia""",
        [
            ("patchy opacity left base", 0, "opacity", L, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("pneumonia", 0, "pneumonia", N, UNC, N),
            ("small left effusion", 0, "effusion", L, POS, N),
            ("ptx", 0, "pneumothorax", N, NEG, N),
            ("left basilar opacity", 0, "opacity", L, POS, 0),
            ("atelectasis", 1, "atelectasis", N, UNC, 1),
            ("pneumonia", 1, "pneumonia", N, UNC, 2),
        ],
        crlf=True,
    ),
    rep(
        "et tube and og tube in good position. left subclavian cvc terminates in svc. lines and tubes otherwise unchanged. worsening bilateral airspace opacities. no ptx",
        [
            ("et tube", 0, "endotracheal tube", N, POS, N),
            ("og tube", 0, "nasogastric tube", N, POS, N),
            ("left subclavian cvc", 0, "central venous catheter", L, POS, N),
            ("lines and tubes", 0, "support device", N, POS, N),
            ("worsening bilateral airspace opacities", 0, "opacity", B, POS, N),
            ("ptx", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
findings: large r pleural effusion with compressive atelectasis of the rll. mediastinum midline. left lung clear
impression: large r effusion""",
        [
            ("large r pleural effusion", 0, "effusion", R, POS, N),
            ("compressive atelectasis of the rll", 0, "atelectasis", R, POS, N),
            ("large r effusion", 0, "effusion", R, POS, 0),
        ],
    ),
    rep(
        """
findings: 2 cm mass in the right upper lobe with spiculated margins. right hilar adenopathy. no effusion.
impression:
1. right upper lobe mass concerning for malignancy. recommend ct
2. right hilar adenopathy""",
        [
            ("2 cm mass in the right upper lobe", 0, "mass", R, POS, N),
            ("right hilar adenopathy", 0, "hilar enlargement", R, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("right upper lobe mass", 0, "mass", R, POS, 0),
            ("right hilar adenopathy", 1, "hilar enlargement", R, POS, 1),
        ],
    ),
    rep(
        "no acute cardiopulmonary process. stable sternotomy wires. heart size normal.",
        [("stable sternotomy wires", 0, "sternotomy wires", N, POS, N)],
    ),
    rep(
        "findings: left picc tip in cavoatrial junction. new retrocardiac opacity likely atelectasis. small left effusion not excluded. heart mildly enlarged",
        [
            ("left picc", 0, "peripherally inserted central catheter", L, POS, N),
            ("new retrocardiac opacity", 0, "opacity", N, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("small left effusion", 0, "effusion", L, UNC, N),
            ("heart mildly enlarged", 0, "cardiomegaly", N, POS, N),
        ],
    ),
    rep(
        """
clinical history: sob, ? chf
findings: cephalization of pulmonary vessels. kerley b lines. bilateral pleural effusions r>l. enlarged cardiac silhouette.
impression: pulmonary edema""",
        [
            ("cephalization of pulmonary vessels", 0, "vascular congestion", N, POS, N),
            ("kerley b lines", 0, "septal lines", N, POS, N),
            ("bilateral pleural effusions r>l", 0, "effusion", B, POS, N),
            ("enlarged cardiac silhouette", 0, "cardiomegaly", N, POS, N),
            ("pulmonary edema", 0, "edema", N, POS, N),
        ],
    ),
    rep(
        "pneumothorax resolved after chest tube removal. no effusion. lungs clear.",
        [
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
            ("chest tube", 0, "chest tube", N, NEG, N),
            ("effusion", 0, "effusion", N, NEG, N),
        ],
    ),
    rep(
        """
findings: dual lead pacemaker left chest. sternotomy wires. mild cardiomegaly. tortuous aorta. no chf
impression: no acute findings""",
        [
            ("dual lead pacemaker left chest", 0, "pacemaker", L, POS, N),
            ("sternotomy wires", 0, "sternotomy wires", N, POS, N),
            ("mild cardiomegaly", 0, "cardiomegaly", N, POS, N),
            ("tortuous aorta", 0, "tortuous aorta", N, POS, N),
        ],
    ),
    rep(
        """
findings: diffuse reticular opacities with basilar honeycombing. low lung volumes. no effusion
impression: pulmonary fibrosis, similar to prior""",
        [
            ("diffuse reticular opacities", 0, "interstitial opacity", N, POS, N),
            ("basilar honeycombing", 0, "honeycombing", N, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pulmonary fibrosis", 0, "fibrosis", N, POS, N),
        ],
    ),
    rep(
        """
reason for exam: abd pain, eval free air
findings: free air under the right hemidiaphragm. lungs clear. no effusion
impression: pneumoperitoneum. called to dr xxxx""",
        [
            ("free air under the right hemidiaphragm", 0, "pneumoperitoneum", R, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("pneumoperitoneum", 0, "pneumoperitoneum", N, POS, 0),
        ],
        crlf=True,
    ),
    rep(
        "findings: lungs clear. small hiatal hernia. degenerative changes thoracic spine. calcified aortic knob",
        [
            ("small hiatal hernia", 0, "hiatal hernia", N, POS, N),
            ("degenerative changes thoracic spine", 0, "degenerative spine", N, POS, N),
            ("calcified aortic knob", 0, "aortic calcification", N, POS, N),
        ],
    ),
    rep(
        "findings: tracheostomy tube in place. r ij cvc tip low svc. patchy bibasilar opacities may be atelectasis or aspiration. no pneumothorax",
        [
            ("tracheostomy tube", 0, "tracheostomy tube", N, POS, N),
            ("r ij cvc", 0, "central venous catheter", R, POS, N),
            ("patchy bibasilar opacities", 0, "opacity", B, POS, N),
            ("atelectasis", 0, "atelectasis", N, UNC, N),
            ("pneumothorax", 0, "pneumothorax", N, NEG, N),
        ],
    ),
    rep(
        """
findings: 9 mm nodule in the left lower lobe. no change from xxxx. otherwise clear
impression: stable 9 mm lll nodule""",
        [
            ("9 mm nodule in the left lower lobe", 0, "nodule", L, POS, N),
            ("stable 9 mm lll nodule", 0, "nodule", L, POS, 0),
        ],
    ),
    rep(
        """
findings: bilateral pleural plaques, some calcified. no effusion. lungs clear. mild scoliosis
impression: asbestos related pleural disease""",
        [
            ("bilateral pleural plaques", 0, "pleural plaque", B, POS, N),
            ("effusion", 0, "effusion", N, NEG, N),
            ("mild scoliosis", 0, "scoliosis", N, POS, N),
        ],
    ),
]
