// The exercise catalog, written for Periodize. One exercise a line, fields separated by " | ":
// id | name | pattern | type | equipment | primary | secondary | level | stresses | unit
//
// id         unique kebab-case key; stable, so events and plans can refer to it.
// name       what the client reads in an SMS: ASCII, at most 28 characters.
// pattern    the one movement pattern the exercise trains; substitutes share a pattern.
// type       the workout slot it fills: prep, compound, secondary, accessory, core, cardio,
//            cooldown.
// equipment  everything needed, comma-separated; "-" means bodyweight only.
// primary    muscles that do most of the work (at least one).
// secondary  muscles that assist; "-" when none worth naming.
// level      the least experienced client it suits: beginner, intermediate, advanced.
// stresses   injury areas it loads meaningfully (knee, lower-back, shoulder, elbow, wrist, hip,
//            ankle, neck); "-" for none. A client with an injured area gets no exercise that
//            lists it.
// unit       how it is prescribed: reps; seconds for holds and intervals; minutes for steady
//            cardio and mobility flows.
//
// Every list is comma-separated without spaces; no value contains a space.
extension ExerciseCatalog {
    static let entries = """
    back-squat | Back Squat | squat | compound | barbell,rack | quads,glutes | hamstrings,lower-back,abs | intermediate | knee,lower-back | reps
    front-squat | Front Squat | squat | compound | barbell,rack | quads,glutes | abs,back | advanced | knee,wrist | reps
    safety-bar-squat | Safety Bar Squat | squat | compound | barbell,rack | quads,glutes | hamstrings,back | intermediate | knee,lower-back | reps
    box-squat | Barbell Box Squat | squat | compound | barbell,rack,box | glutes,quads | hamstrings,lower-back | intermediate | knee,lower-back | reps
    smith-machine-squat | Smith Machine Squat | squat | compound | machine | quads,glutes | hamstrings | beginner | knee | reps
    leg-press | Leg Press | squat | compound | machine | quads,glutes | hamstrings,adductors | beginner | knee | reps
    hack-squat | Hack Squat | squat | compound | machine | quads | glutes,adductors | intermediate | knee | reps
    belt-squat | Belt Squat | squat | compound | machine | quads,glutes | adductors | intermediate | knee,hip | reps
    landmine-squat | Landmine Squat | squat | secondary | barbell | quads,glutes | abs | beginner | knee | reps
    goblet-squat | Goblet Squat | squat | compound | dumbbell | quads,glutes | abs,adductors | beginner | knee | reps
    kb-goblet-squat | Kettlebell Goblet Squat | squat | secondary | kettlebell | quads,glutes | abs,adductors | beginner | knee | reps
    double-kb-front-squat | Double KB Front Squat | squat | compound | kettlebell | quads,glutes | abs,back | intermediate | knee,wrist | reps
    heels-up-goblet-squat | Heels-Up Goblet Squat | squat | secondary | dumbbell | quads | glutes | intermediate | knee | reps
    db-sumo-squat | Dumbbell Sumo Squat | squat | secondary | dumbbell | glutes,adductors | quads | beginner | knee,hip | reps
    bodyweight-squat | Bodyweight Squat | squat | secondary | - | quads,glutes | abs | beginner | knee | reps
    band-squat | Banded Squat | squat | secondary | band | quads,glutes | abs | beginner | knee | reps
    suspension-squat | Suspension Assisted Squat | squat | secondary | suspension | quads,glutes | abs | beginner | knee | reps
    high-box-sit-to-stand | High Box Sit to Stand | squat | accessory | box | glutes,quads | abs | beginner | - | reps
    wall-sit | Wall Sit | squat | accessory | - | quads | glutes | beginner | knee | seconds
    spanish-squat | Spanish Squat | squat | accessory | band | quads | glutes | intermediate | knee | seconds
    pistol-squat | Pistol Squat | squat | secondary | - | quads,glutes | abs,hip-flexors | advanced | knee,ankle | reps
    deadlift | Deadlift | hinge | compound | barbell | hamstrings,glutes,back | lower-back,traps,forearms | intermediate | lower-back,hip | reps
    sumo-deadlift | Sumo Deadlift | hinge | compound | barbell | glutes,hamstrings,adductors | back,quads,lower-back | intermediate | lower-back,hip | reps
    trap-bar-deadlift | Trap Bar Deadlift | hinge | compound | barbell | glutes,quads,hamstrings | back,traps,forearms | beginner | lower-back,knee | reps
    romanian-deadlift | Romanian Deadlift | hinge | compound | barbell | hamstrings,glutes | lower-back,forearms | intermediate | lower-back | reps
    rack-pull | Rack Pull | hinge | compound | barbell,rack | glutes,back | traps,hamstrings,forearms | intermediate | lower-back | reps
    deficit-deadlift | Deficit Deadlift | hinge | compound | barbell | hamstrings,glutes,back | quads,lower-back | advanced | lower-back,hip | reps
    good-morning | Good Morning | hinge | secondary | barbell,rack | hamstrings,lower-back | glutes | advanced | lower-back | reps
    hang-power-clean | Hang Power Clean | hinge | compound | barbell | glutes,hamstrings,traps | quads,back,forearms | advanced | lower-back,wrist | reps
    cable-pull-through | Cable Pull-Through | hinge | secondary | cable | glutes,hamstrings | abs | beginner | - | reps
    db-romanian-deadlift | Dumbbell RDL | hinge | compound | dumbbell | hamstrings,glutes | lower-back,forearms | beginner | lower-back | reps
    suitcase-deadlift | Suitcase Deadlift | hinge | secondary | dumbbell | glutes,hamstrings | obliques,forearms | intermediate | lower-back | reps
    single-leg-db-rdl | Single-Leg DB RDL | hinge | secondary | dumbbell | hamstrings,glutes | abs,obliques | intermediate | hip,ankle | reps
    kb-deadlift | Kettlebell Deadlift | hinge | secondary | kettlebell | glutes,hamstrings | lower-back,quads | beginner | lower-back | reps
    kb-swing | Kettlebell Swing | hinge | secondary | kettlebell | glutes,hamstrings | lower-back,abs,forearms | intermediate | lower-back | reps
    single-leg-kb-rdl | Single-Leg KB RDL | hinge | secondary | kettlebell | hamstrings,glutes | abs,obliques | intermediate | hip,ankle | reps
    single-leg-rdl | Bodyweight Single-Leg RDL | hinge | accessory | - | hamstrings,glutes | abs | beginner | ankle | reps
    band-pull-through | Band Pull-Through | hinge | accessory | band | glutes,hamstrings | abs | beginner | - | reps
    band-good-morning | Band Good Morning | hinge | accessory | band | hamstrings,glutes | lower-back | beginner | lower-back | reps
    dowel-hip-hinge | Dowel Hip Hinge | hinge | prep | - | hamstrings,glutes | abs | beginner | - | reps
    barbell-reverse-lunge | Barbell Reverse Lunge | lunge | compound | barbell,rack | quads,glutes | hamstrings,adductors | intermediate | knee,lower-back | reps
    barbell-walking-lunge | Barbell Walking Lunge | lunge | compound | barbell,rack | quads,glutes | hamstrings,adductors | advanced | knee,lower-back | reps
    smith-split-squat | Smith Machine Split Squat | lunge | secondary | machine | quads,glutes | hamstrings | beginner | knee | reps
    db-reverse-lunge | Dumbbell Reverse Lunge | lunge | compound | dumbbell | quads,glutes | hamstrings,adductors | beginner | knee | reps
    db-walking-lunge | Dumbbell Walking Lunge | lunge | compound | dumbbell | quads,glutes | hamstrings,adductors | intermediate | knee | reps
    bulgarian-split-squat | Bulgarian Split Squat | lunge | compound | dumbbell,bench | quads,glutes | adductors,hamstrings | intermediate | knee,hip | reps
    db-step-up | Dumbbell Step-Up | lunge | secondary | dumbbell,box | quads,glutes | hamstrings | beginner | knee | reps
    kb-goblet-reverse-lunge | KB Goblet Reverse Lunge | lunge | secondary | kettlebell | quads,glutes | abs,adductors | beginner | knee | reps
    db-lateral-lunge | Dumbbell Lateral Lunge | lunge | secondary | dumbbell | adductors,glutes | quads | intermediate | knee,hip | reps
    split-squat | Bodyweight Split Squat | lunge | secondary | - | quads,glutes | hamstrings | beginner | knee | reps
    reverse-lunge | Bodyweight Reverse Lunge | lunge | secondary | - | quads,glutes | hamstrings,adductors | beginner | knee | reps
    walking-lunge | Walking Lunge | lunge | secondary | - | quads,glutes | hamstrings,adductors | beginner | knee | reps
    lateral-lunge | Lateral Lunge | lunge | secondary | - | adductors,glutes | quads | beginner | knee,hip | reps
    curtsy-lunge | Curtsy Lunge | lunge | accessory | - | glutes,quads | adductors | intermediate | knee,hip | reps
    step-up | Bodyweight Step-Up | lunge | secondary | box | quads,glutes | hamstrings | beginner | knee | reps
    suspension-reverse-lunge | Suspension Reverse Lunge | lunge | secondary | suspension | quads,glutes | hamstrings | beginner | knee | reps
    cossack-squat | Cossack Squat | lunge | accessory | - | adductors,quads | glutes | intermediate | knee,hip | reps
    bench-press | Bench Press | horizontal-push | compound | barbell,bench,rack | chest,triceps | front-delts | intermediate | shoulder,wrist | reps
    close-grip-bench-press | Close-Grip Bench Press | horizontal-push | compound | barbell,bench,rack | triceps,chest | front-delts | intermediate | shoulder,elbow,wrist | reps
    incline-bench-press | Incline Bench Press | horizontal-push | compound | barbell,bench,rack | chest,front-delts | triceps | intermediate | shoulder | reps
    machine-chest-press | Machine Chest Press | horizontal-push | compound | machine | chest,triceps | front-delts | beginner | shoulder | reps
    cable-chest-fly | Cable Chest Fly | horizontal-push | accessory | cable | chest | front-delts | beginner | shoulder | reps
    pec-deck | Pec Deck Fly | horizontal-push | accessory | machine | chest | front-delts | beginner | shoulder | reps
    db-bench-press | Dumbbell Bench Press | horizontal-push | compound | dumbbell,bench | chest,triceps | front-delts | beginner | shoulder | reps
    db-incline-press | Incline Dumbbell Press | horizontal-push | compound | dumbbell,bench | chest,front-delts | triceps | intermediate | shoulder | reps
    db-floor-press | Dumbbell Floor Press | horizontal-push | secondary | dumbbell | chest,triceps | front-delts | beginner | shoulder,elbow | reps
    db-fly | Dumbbell Fly | horizontal-push | accessory | dumbbell,bench | chest | front-delts | intermediate | shoulder | reps
    push-up | Push-Up | horizontal-push | secondary | - | chest,triceps | front-delts,abs | beginner | shoulder,wrist | reps
    knee-push-up | Knee Push-Up | horizontal-push | secondary | - | chest,triceps | front-delts,abs | beginner | shoulder,wrist | reps
    incline-push-up | Incline Push-Up | horizontal-push | secondary | bench | chest,triceps | front-delts,abs | beginner | shoulder,wrist | reps
    wall-push-up | Wall Push-Up | horizontal-push | accessory | - | chest,triceps | front-delts | beginner | wrist | reps
    decline-push-up | Decline Push-Up | horizontal-push | secondary | box | chest,front-delts | triceps,abs | intermediate | shoulder,wrist | reps
    diamond-push-up | Diamond Push-Up | horizontal-push | secondary | - | triceps,chest | front-delts,abs | intermediate | shoulder,elbow,wrist | reps
    suspension-push-up | Suspension Push-Up | horizontal-push | secondary | suspension | chest,triceps | front-delts,abs | advanced | shoulder,wrist | reps
    band-chest-press | Band Chest Press | horizontal-push | secondary | band | chest,triceps | front-delts | beginner | shoulder | reps
    scapular-push-up | Scapular Push-Up | horizontal-push | prep | - | chest,front-delts | abs | beginner | wrist | reps
    overhead-press | Overhead Press | vertical-push | compound | barbell,rack | front-delts,triceps | side-delts,traps,abs | intermediate | shoulder,lower-back | reps
    push-press | Push Press | vertical-push | compound | barbell,rack | front-delts,triceps | quads,glutes,traps | advanced | shoulder,lower-back | reps
    machine-shoulder-press | Machine Shoulder Press | vertical-push | compound | machine | front-delts,triceps | side-delts | beginner | shoulder | reps
    landmine-press | Half-Kneeling Landmine Press | vertical-push | secondary | barbell | front-delts,chest | triceps,abs | beginner | shoulder | reps
    seated-db-shoulder-press | Seated DB Shoulder Press | vertical-push | compound | dumbbell,bench | front-delts,triceps | side-delts | beginner | shoulder | reps
    standing-db-press | Standing Dumbbell Press | vertical-push | compound | dumbbell | front-delts,triceps | side-delts,abs | intermediate | shoulder | reps
    arnold-press | Arnold Press | vertical-push | secondary | dumbbell,bench | front-delts,side-delts | triceps | intermediate | shoulder | reps
    kb-overhead-press | Kettlebell Overhead Press | vertical-push | secondary | kettlebell | front-delts,triceps | side-delts,abs | intermediate | shoulder,wrist | reps
    pike-push-up | Pike Push-Up | vertical-push | secondary | - | front-delts,triceps | side-delts,abs | intermediate | shoulder,wrist | reps
    handstand-push-up | Handstand Push-Up | vertical-push | secondary | - | front-delts,triceps | traps,abs | advanced | shoulder,wrist,neck | reps
    band-overhead-press | Band Overhead Press | vertical-push | secondary | band | front-delts,triceps | side-delts | beginner | shoulder | reps
    barbell-row | Barbell Bent-Over Row | horizontal-pull | compound | barbell | back,rear-delts | biceps,lower-back,forearms | intermediate | lower-back | reps
    pendlay-row | Pendlay Row | horizontal-pull | compound | barbell | back | rear-delts,biceps,lower-back | advanced | lower-back | reps
    seal-row | Seal Row | horizontal-pull | compound | barbell,bench | back,rear-delts | biceps | intermediate | - | reps
    seated-cable-row | Seated Cable Row | horizontal-pull | compound | cable | back | biceps,rear-delts | beginner | - | reps
    machine-row | Chest-Supported Machine Row | horizontal-pull | compound | machine | back | biceps,rear-delts | beginner | - | reps
    face-pull | Cable Face Pull | horizontal-pull | accessory | cable | rear-delts,traps | back | beginner | - | reps
    one-arm-db-row | One-Arm Dumbbell Row | horizontal-pull | compound | dumbbell,bench | back | biceps,rear-delts | beginner | - | reps
    chest-supported-db-row | Chest-Supported DB Row | horizontal-pull | secondary | dumbbell,bench | back,rear-delts | biceps | beginner | - | reps
    kb-row | Kettlebell Bent-Over Row | horizontal-pull | secondary | kettlebell | back | biceps,lower-back | beginner | lower-back | reps
    renegade-row | Renegade Row | horizontal-pull | secondary | dumbbell | back,abs | biceps,obliques | advanced | shoulder,wrist | reps
    inverted-row | Inverted Row | horizontal-pull | secondary | barbell,rack | back,rear-delts | biceps | beginner | - | reps
    suspension-row | Suspension Row | horizontal-pull | secondary | suspension | back,rear-delts | biceps,abs | beginner | - | reps
    doorframe-row | Doorframe Row | horizontal-pull | accessory | - | back | biceps,forearms | beginner | - | reps
    band-row | Band Row | horizontal-pull | secondary | band | back | biceps,rear-delts | beginner | - | reps
    band-face-pull | Band Face Pull | horizontal-pull | accessory | band | rear-delts,traps | back | beginner | - | reps
    band-pull-apart | Band Pull-Apart | horizontal-pull | prep | band | rear-delts | traps | beginner | - | reps
    pull-up | Pull-Up | vertical-pull | compound | pull-up-bar | back | biceps,rear-delts,forearms | intermediate | shoulder,elbow | reps
    chin-up | Chin-Up | vertical-pull | compound | pull-up-bar | back,biceps | forearms | intermediate | elbow | reps
    weighted-pull-up | Weighted Pull-Up | vertical-pull | compound | pull-up-bar,dumbbell | back | biceps,forearms | advanced | shoulder,elbow | reps
    lat-pulldown | Lat Pulldown | vertical-pull | compound | cable | back | biceps,rear-delts | beginner | - | reps
    neutral-grip-pulldown | Neutral-Grip Pulldown | vertical-pull | secondary | cable | back | biceps | beginner | - | reps
    assisted-pull-up | Assisted Pull-Up Machine | vertical-pull | secondary | machine | back | biceps | beginner | - | reps
    band-assisted-pull-up | Band-Assisted Pull-Up | vertical-pull | secondary | pull-up-bar,band | back | biceps,forearms | beginner | shoulder | reps
    negative-pull-up | Negative Pull-Up | vertical-pull | secondary | pull-up-bar | back | biceps,forearms | beginner | shoulder,elbow | reps
    straight-arm-pulldown | Straight-Arm Pulldown | vertical-pull | accessory | cable | back | triceps,abs | beginner | - | reps
    db-pullover | Dumbbell Pullover | vertical-pull | accessory | dumbbell,bench | back,chest | triceps | intermediate | shoulder | reps
    kb-pullover | Kettlebell Floor Pullover | vertical-pull | accessory | kettlebell | back,chest | triceps,abs | beginner | shoulder | reps
    band-lat-pulldown | Band Lat Pulldown | vertical-pull | secondary | band | back | biceps | beginner | - | reps
    band-straight-arm-pulldown | Band Straight-Arm Pulldown | vertical-pull | accessory | band | back | triceps | beginner | - | reps
    prone-floor-lat-pull | Prone Floor Lat Pull | vertical-pull | accessory | - | back,rear-delts | traps | beginner | - | reps
    scapular-pull-up | Scapular Pull-Up | vertical-pull | prep | pull-up-bar | back,traps | forearms | beginner | shoulder | reps
    lying-leg-curl | Lying Leg Curl | knee-flexion | accessory | machine | hamstrings | calves | beginner | knee | reps
    seated-leg-curl | Seated Leg Curl | knee-flexion | accessory | machine | hamstrings | calves | beginner | knee | reps
    cable-leg-curl | Standing Cable Leg Curl | knee-flexion | accessory | cable | hamstrings | calves | intermediate | knee | reps
    glute-ham-raise | Glute-Ham Raise | knee-flexion | secondary | machine | hamstrings,glutes | calves,lower-back | advanced | knee | reps
    db-leg-curl | Prone Dumbbell Leg Curl | knee-flexion | accessory | dumbbell,bench | hamstrings | calves | intermediate | knee | reps
    nordic-curl | Nordic Curl | knee-flexion | secondary | - | hamstrings | glutes,calves | advanced | knee | reps
    towel-slide-leg-curl | Towel Slide Leg Curl | knee-flexion | accessory | - | hamstrings | glutes | intermediate | knee | reps
    bridge-walkout | Glute Bridge Walkout | knee-flexion | accessory | - | hamstrings | glutes | beginner | - | reps
    suspension-leg-curl | Suspension Leg Curl | knee-flexion | accessory | suspension | hamstrings | glutes,abs | intermediate | knee | reps
    band-leg-curl | Band Leg Curl | knee-flexion | accessory | band | hamstrings | calves | beginner | knee | reps
    leg-extension | Leg Extension | knee-extension | accessory | machine | quads | - | beginner | knee | reps
    single-leg-extension | Single-Leg Extension | knee-extension | accessory | machine | quads | - | beginner | knee | reps
    cable-knee-extension | Cable Knee Extension | knee-extension | accessory | cable | quads | - | intermediate | knee | reps
    petersen-step-up | Petersen Step-Up | knee-extension | secondary | dumbbell,box | quads | glutes | intermediate | knee | reps
    sissy-squat | Sissy Squat | knee-extension | accessory | - | quads | hip-flexors,abs | advanced | knee | reps
    reverse-nordic | Reverse Nordic | knee-extension | accessory | mat | quads | hip-flexors,abs | advanced | knee | reps
    band-knee-extension | Terminal Knee Extension | knee-extension | accessory | band | quads | - | beginner | - | reps
    barbell-hip-thrust | Barbell Hip Thrust | hip-extension | compound | barbell,bench | glutes | hamstrings | intermediate | hip | reps
    hip-thrust-machine | Hip Thrust Machine | hip-extension | secondary | machine | glutes | hamstrings | beginner | - | reps
    cable-kickback | Cable Glute Kickback | hip-extension | accessory | cable | glutes | hamstrings | beginner | - | reps
    back-extension | 45-Degree Back Extension | hip-extension | secondary | machine | glutes,lower-back | hamstrings | beginner | lower-back | reps
    reverse-hyper | Reverse Hyperextension | hip-extension | accessory | machine | glutes,lower-back | hamstrings | intermediate | lower-back | reps
    db-hip-thrust | Dumbbell Hip Thrust | hip-extension | secondary | dumbbell,bench | glutes | hamstrings | beginner | - | reps
    db-glute-bridge | Dumbbell Glute Bridge | hip-extension | accessory | dumbbell | glutes | hamstrings | beginner | - | reps
    kb-single-leg-bridge | KB Single-Leg Glute Bridge | hip-extension | accessory | kettlebell | glutes | hamstrings,abs | intermediate | - | reps
    glute-bridge | Glute Bridge | hip-extension | accessory | - | glutes | hamstrings,abs | beginner | - | reps
    single-leg-glute-bridge | Single-Leg Glute Bridge | hip-extension | accessory | - | glutes | hamstrings,abs | beginner | - | reps
    single-leg-hip-thrust | Single-Leg Hip Thrust | hip-extension | secondary | bench | glutes | hamstrings,abs | intermediate | - | reps
    band-glute-bridge | Banded Glute Bridge | hip-extension | accessory | band | glutes | hamstrings | beginner | - | reps
    frog-pump | Frog Pump | hip-extension | accessory | - | glutes | adductors | beginner | - | reps
    donkey-kick | Quadruped Donkey Kick | hip-extension | accessory | - | glutes | hamstrings | beginner | - | reps
    barbell-curl | Barbell Curl | elbow-flexion | accessory | barbell | biceps | forearms | beginner | elbow,wrist | reps
    ez-bar-preacher-curl | EZ-Bar Preacher Curl | elbow-flexion | accessory | barbell,bench | biceps | forearms | intermediate | elbow | reps
    cable-curl | Cable Curl | elbow-flexion | accessory | cable | biceps | forearms | beginner | elbow | reps
    machine-preacher-curl | Machine Preacher Curl | elbow-flexion | accessory | machine | biceps | forearms | beginner | elbow | reps
    db-curl | Dumbbell Curl | elbow-flexion | accessory | dumbbell | biceps | forearms | beginner | elbow | reps
    hammer-curl | Hammer Curl | elbow-flexion | accessory | dumbbell | biceps,forearms | - | beginner | elbow | reps
    incline-db-curl | Incline Dumbbell Curl | elbow-flexion | accessory | dumbbell,bench | biceps | forearms | intermediate | elbow,shoulder | reps
    concentration-curl | Concentration Curl | elbow-flexion | accessory | dumbbell,bench | biceps | forearms | beginner | elbow | reps
    kb-hammer-curl | Kettlebell Hammer Curl | elbow-flexion | accessory | kettlebell | biceps,forearms | - | intermediate | elbow,wrist | reps
    suspension-curl | Suspension Biceps Curl | elbow-flexion | accessory | suspension | biceps | forearms,back | intermediate | elbow | reps
    band-curl | Band Curl | elbow-flexion | accessory | band | biceps | forearms | beginner | - | reps
    triceps-pushdown | Cable Triceps Pushdown | elbow-extension | accessory | cable | triceps | - | beginner | elbow | reps
    overhead-cable-extension | Overhead Cable Extension | elbow-extension | accessory | cable | triceps | - | intermediate | elbow,shoulder | reps
    skull-crusher | Skull Crusher | elbow-extension | accessory | barbell,bench | triceps | - | intermediate | elbow | reps
    db-overhead-extension | DB Overhead Extension | elbow-extension | accessory | dumbbell | triceps | abs | beginner | elbow,shoulder | reps
    db-kickback | Dumbbell Kickback | elbow-extension | accessory | dumbbell,bench | triceps | rear-delts | beginner | elbow | reps
    kb-skull-crusher | KB Floor Skull Crusher | elbow-extension | accessory | kettlebell | triceps | - | intermediate | elbow | reps
    bench-dip | Bench Dip | elbow-extension | secondary | bench | triceps | chest,front-delts | beginner | shoulder,elbow,wrist | reps
    sphinx-push-up | Triceps Sphinx Push-Up | elbow-extension | accessory | - | triceps | abs,chest | intermediate | elbow,wrist | reps
    suspension-triceps-press | Suspension Triceps Press | elbow-extension | accessory | suspension | triceps | abs | intermediate | elbow | reps
    band-pushdown | Band Triceps Pushdown | elbow-extension | accessory | band | triceps | - | beginner | - | reps
    db-lateral-raise | Dumbbell Lateral Raise | shoulder-raise | accessory | dumbbell | side-delts | traps | beginner | shoulder | reps
    cable-lateral-raise | Cable Lateral Raise | shoulder-raise | accessory | cable | side-delts | traps | intermediate | shoulder | reps
    machine-lateral-raise | Machine Lateral Raise | shoulder-raise | accessory | machine | side-delts | traps | beginner | shoulder | reps
    db-front-raise | Dumbbell Front Raise | shoulder-raise | accessory | dumbbell | front-delts | side-delts | beginner | shoulder | reps
    db-rear-delt-fly | Bent-Over Rear Delt Fly | shoulder-raise | accessory | dumbbell | rear-delts | traps,back | beginner | - | reps
    reverse-pec-deck | Reverse Pec Deck | shoulder-raise | accessory | machine | rear-delts | traps | beginner | - | reps
    cable-upright-row | Cable Upright Row | shoulder-raise | accessory | cable | side-delts,traps | biceps | intermediate | shoulder | reps
    barbell-shrug | Barbell Shrug | shoulder-raise | accessory | barbell | traps | forearms | beginner | - | reps
    db-shrug | Dumbbell Shrug | shoulder-raise | accessory | dumbbell | traps | forearms | beginner | - | reps
    kb-halo | Kettlebell Halo | shoulder-raise | prep | kettlebell | front-delts,side-delts | traps,abs | beginner | shoulder | reps
    band-lateral-raise | Band Lateral Raise | shoulder-raise | accessory | band | side-delts | traps | beginner | shoulder | reps
    band-external-rotation | Band External Rotation | shoulder-raise | prep | band | rear-delts | - | beginner | - | reps
    prone-y-raise | Prone Y Raise | shoulder-raise | accessory | - | rear-delts,traps | back | beginner | - | reps
    standing-calf-raise | Standing Calf Raise | calf-raise | accessory | machine | calves | - | beginner | ankle | reps
    seated-calf-raise | Seated Calf Raise | calf-raise | accessory | machine | calves | - | beginner | - | reps
    leg-press-calf-press | Leg Press Calf Press | calf-raise | accessory | machine | calves | - | beginner | ankle | reps
    db-single-leg-calf-raise | Single-Leg DB Calf Raise | calf-raise | accessory | dumbbell | calves | - | intermediate | ankle | reps
    kb-calf-raise | Kettlebell Calf Raise | calf-raise | accessory | kettlebell | calves | - | beginner | ankle | reps
    bodyweight-calf-raise | Bodyweight Calf Raise | calf-raise | accessory | - | calves | - | beginner | ankle | reps
    single-leg-calf-raise | Single-Leg Calf Raise | calf-raise | accessory | - | calves | - | intermediate | ankle | reps
    farmers-carry | Farmer's Carry | carry | secondary | dumbbell | forearms,traps | abs,glutes | beginner | - | seconds
    kb-farmers-carry | Kettlebell Farmer's Carry | carry | secondary | kettlebell | forearms,traps | abs,glutes | beginner | - | seconds
    suitcase-carry | Suitcase Carry | carry | secondary | kettlebell | obliques,forearms | traps,abs | beginner | - | seconds
    kb-front-rack-carry | KB Front Rack Carry | carry | secondary | kettlebell | abs,back | forearms | intermediate | wrist | seconds
    overhead-carry | DB Overhead Carry | carry | secondary | dumbbell | front-delts,abs | traps,side-delts | intermediate | shoulder | seconds
    trap-bar-carry | Trap Bar Carry | carry | secondary | barbell | forearms,traps | glutes,abs,back | intermediate | lower-back | seconds
    sled-drag | Sled Drag | carry | secondary | sled | quads,glutes | calves,back | beginner | - | seconds
    med-ball-bear-hug-carry | Med Ball Bear Hug Carry | carry | secondary | medicine-ball | abs,back | biceps,glutes | beginner | - | seconds
    bear-crawl | Bear Crawl | carry | core | - | abs,front-delts | quads,triceps | beginner | wrist,shoulder | seconds
    crab-walk | Crab Walk | carry | core | - | triceps,glutes | abs,rear-delts | beginner | wrist,shoulder | seconds
    plank | Front Plank | anti-extension | core | - | abs | obliques,front-delts | beginner | - | seconds
    kneeling-plank | Kneeling Plank | anti-extension | core | - | abs | obliques | beginner | - | seconds
    rkc-plank | RKC Plank | anti-extension | core | - | abs | glutes,obliques | intermediate | - | seconds
    hollow-hold | Hollow Body Hold | anti-extension | core | - | abs | hip-flexors | intermediate | - | seconds
    dead-bug | Dead Bug | anti-extension | core | - | abs | hip-flexors | beginner | - | reps
    db-dead-bug | Dumbbell Dead Bug | anti-extension | core | dumbbell | abs | hip-flexors,front-delts | intermediate | - | reps
    band-dead-bug | Banded Dead Bug | anti-extension | core | band | abs | back | beginner | - | reps
    barbell-rollout | Barbell Rollout | anti-extension | core | barbell | abs | back,front-delts | advanced | lower-back,shoulder | reps
    cable-dead-bug | Cable Dead Bug | anti-extension | core | cable | abs | back,hip-flexors | intermediate | - | reps
    suspension-fallout | Suspension Fallout | anti-extension | core | suspension | abs | front-delts,back | intermediate | lower-back,shoulder | reps
    body-saw | Body Saw | anti-extension | core | suspension | abs | front-delts | advanced | shoulder | reps
    pallof-press | Cable Pallof Press | anti-rotation | core | cable | obliques,abs | glutes | beginner | - | reps
    half-kneeling-pallof | Half-Kneeling Pallof Press | anti-rotation | core | cable | obliques,abs | glutes,hip-flexors | intermediate | - | reps
    band-pallof-press | Band Pallof Press | anti-rotation | core | band | obliques,abs | glutes | beginner | - | reps
    side-plank | Side Plank | anti-rotation | core | - | obliques | abs,glutes | beginner | - | seconds
    copenhagen-plank | Copenhagen Plank | anti-rotation | core | bench | adductors,obliques | abs | advanced | hip | seconds
    bird-dog | Bird Dog | anti-rotation | core | - | abs,lower-back | glutes | beginner | - | reps
    shoulder-taps | Plank Shoulder Taps | anti-rotation | core | - | abs,obliques | front-delts | beginner | wrist | reps
    kb-plank-pull-through | KB Plank Pull-Through | anti-rotation | core | kettlebell | obliques,abs | front-delts | intermediate | wrist | reps
    db-suitcase-march | Suitcase March | anti-rotation | core | dumbbell | obliques | abs,hip-flexors | beginner | - | reps
    crunch | Crunch | trunk-flexion | core | - | abs | obliques | beginner | neck | reps
    reverse-crunch | Reverse Crunch | trunk-flexion | core | - | abs | hip-flexors | beginner | - | reps
    cable-crunch | Kneeling Cable Crunch | trunk-flexion | core | cable | abs | obliques | intermediate | - | reps
    machine-crunch | Machine Crunch | trunk-flexion | core | machine | abs | obliques | beginner | - | reps
    db-crunch | Dumbbell Weighted Crunch | trunk-flexion | core | dumbbell | abs | obliques | intermediate | neck | reps
    hanging-knee-raise | Hanging Knee Raise | trunk-flexion | core | pull-up-bar | abs,hip-flexors | forearms | intermediate | shoulder | reps
    hanging-leg-raise | Hanging Leg Raise | trunk-flexion | core | pull-up-bar | abs,hip-flexors | forearms,obliques | advanced | shoulder,lower-back | reps
    sit-up | Sit-Up | trunk-flexion | core | - | abs,hip-flexors | obliques | beginner | lower-back,neck | reps
    decline-sit-up | Decline Sit-Up | trunk-flexion | core | bench | abs,hip-flexors | obliques | intermediate | lower-back | reps
    v-up | V-Up | trunk-flexion | core | - | abs | hip-flexors | intermediate | lower-back | reps
    lying-leg-raise | Lying Leg Raise | trunk-flexion | core | - | abs,hip-flexors | obliques | beginner | lower-back | reps
    band-crunch | Band Crunch | trunk-flexion | core | band | abs | obliques | beginner | - | reps
    cable-woodchop | Cable Woodchop | rotation | core | cable | obliques | abs,front-delts | beginner | - | reps
    low-high-cable-chop | Low-to-High Cable Chop | rotation | core | cable | obliques | abs,glutes | intermediate | - | reps
    landmine-rotation | Landmine Rotation | rotation | core | barbell | obliques,abs | front-delts,glutes | advanced | lower-back,shoulder | reps
    db-woodchop | Dumbbell Woodchop | rotation | core | dumbbell | obliques | abs,front-delts | beginner | - | reps
    kb-russian-twist | Kettlebell Russian Twist | rotation | core | kettlebell | obliques | abs,hip-flexors | intermediate | lower-back | reps
    med-ball-rotational-throw | Med Ball Rotational Throw | rotation | core | medicine-ball | obliques | abs,glutes | intermediate | - | reps
    russian-twist | Russian Twist | rotation | core | - | obliques | abs,hip-flexors | beginner | lower-back | reps
    bicycle-crunch | Bicycle Crunch | rotation | core | - | obliques,abs | hip-flexors | beginner | neck | reps
    band-woodchop | Band Woodchop | rotation | core | band | obliques | abs | beginner | - | reps
    lateral-band-walk | Lateral Band Walk | hip-abduction | prep | band | glutes | - | beginner | - | reps
    monster-walk | Monster Walk | hip-abduction | prep | band | glutes | hip-flexors | beginner | - | reps
    fire-hydrant | Fire Hydrant | hip-abduction | prep | - | glutes | abs | beginner | - | reps
    side-lying-leg-raise | Side-Lying Leg Raise | hip-abduction | accessory | - | glutes | obliques | beginner | - | reps
    banded-clamshell | Banded Clamshell | hip-abduction | accessory | band | glutes | - | beginner | - | reps
    machine-hip-abduction | Hip Abduction Machine | hip-abduction | accessory | machine | glutes | - | beginner | - | reps
    cable-hip-abduction | Standing Cable Abduction | hip-abduction | accessory | cable | glutes | obliques | intermediate | - | reps
    box-jump | Box Jump | plyometric | secondary | box | quads,glutes | calves | intermediate | knee,ankle | reps
    broad-jump | Broad Jump | plyometric | secondary | - | glutes,quads | calves,hamstrings | intermediate | knee,ankle | reps
    jump-squat | Jump Squat | plyometric | secondary | - | quads,glutes | calves | intermediate | knee,ankle | reps
    lateral-bound | Lateral Bound | plyometric | secondary | - | glutes,quads | adductors,calves | intermediate | knee,ankle | reps
    split-squat-jump | Split Squat Jump | plyometric | secondary | - | quads,glutes | calves,hamstrings | advanced | knee,ankle | reps
    depth-jump | Depth Jump | plyometric | secondary | box | quads,glutes | calves | advanced | knee,ankle | reps
    plyo-push-up | Plyo Push-Up | plyometric | secondary | - | chest,triceps | front-delts | advanced | shoulder,wrist | reps
    med-ball-chest-pass | Med Ball Chest Pass | plyometric | secondary | medicine-ball | chest,triceps | front-delts | beginner | shoulder | reps
    pogo-hops | Pogo Hops | plyometric | prep | - | calves | quads | beginner | ankle | seconds
    easy-run | Easy Run | run | cardio | - | quads,calves | hamstrings,glutes | beginner | knee,ankle | minutes
    run-walk | Run-Walk Intervals | run | cardio | - | quads,calves | hamstrings,glutes | beginner | knee,ankle | minutes
    treadmill-run | Treadmill Run | run | cardio | treadmill | quads,calves | hamstrings,glutes | beginner | knee,ankle | minutes
    tempo-run | Tempo Run | run | cardio | - | quads,calves | hamstrings,glutes | intermediate | knee,ankle | minutes
    long-run | Long Run | run | cardio | - | quads,calves | hamstrings,glutes | intermediate | knee,ankle,hip | minutes
    fartlek-run | Fartlek Run | run | cardio | - | quads,calves | hamstrings,glutes | intermediate | knee,ankle | minutes
    run-intervals | 400m Run Intervals | run | cardio | - | quads,hamstrings | calves,glutes | intermediate | knee,ankle | seconds
    hill-repeats | Hill Repeats | run | cardio | - | glutes,calves | quads,hamstrings | intermediate | knee,ankle | seconds
    shuttle-run | Shuttle Run | run | cardio | - | quads,calves | glutes,adductors | intermediate | knee,ankle | seconds
    sprint-intervals | Sprint Intervals | run | cardio | - | hamstrings,glutes | quads,calves | advanced | knee,ankle | seconds
    strides | Strides | run | prep | - | hamstrings,calves | glutes,quads | intermediate | knee,ankle | seconds
    a-skip | A-Skip | run | prep | - | hip-flexors,calves | glutes | intermediate | ankle | seconds
    butt-kicks | Butt Kicks | run | prep | - | hamstrings,calves | quads | beginner | ankle | seconds
    easy-bike | Easy Bike Ride | cycle | cardio | bike | quads | glutes,calves | beginner | - | minutes
    bike-tempo | Bike Tempo Ride | cycle | cardio | bike | quads,glutes | calves,hamstrings | intermediate | - | minutes
    long-ride | Long Bike Ride | cycle | cardio | bike | quads,glutes | calves,hamstrings | intermediate | - | minutes
    bike-intervals | Bike Intervals | cycle | cardio | bike | quads,glutes | calves,hamstrings | intermediate | - | seconds
    air-bike-sprints | Air Bike Sprints | cycle | cardio | bike | quads,glutes | chest,back,triceps | advanced | - | seconds
    easy-spin | Easy Spin Cooldown | cycle | cooldown | bike | quads | - | beginner | - | minutes
    steady-row | Steady-State Row | row-erg | cardio | rower | back,quads | glutes,hamstrings,biceps | beginner | lower-back | minutes
    row-intervals | 500m Row Intervals | row-erg | cardio | rower | back,quads | glutes,hamstrings,biceps | intermediate | lower-back | seconds
    row-sprints | Rower Sprints | row-erg | cardio | rower | back,quads | glutes,hamstrings,biceps | advanced | lower-back | seconds
    easy-swim | Easy Swim | swim | cardio | pool | back,front-delts | triceps,abs | beginner | shoulder | minutes
    swim-intervals | Swim Intervals | swim | cardio | pool | back,front-delts | triceps,abs | intermediate | shoulder | seconds
    swim-kick-sets | Swim Kick Sets | swim | cardio | pool | quads,glutes | hip-flexors,calves | beginner | - | minutes
    aqua-jogging | Aqua Jogging | swim | cardio | pool | quads,hamstrings | hip-flexors,glutes | beginner | - | minutes
    brisk-walk | Brisk Walk | walk | cardio | - | quads,calves | glutes | beginner | - | minutes
    incline-walk | Incline Treadmill Walk | walk | cardio | treadmill | glutes,calves | hamstrings | beginner | - | minutes
    hill-walk | Hill Walk | walk | cardio | - | glutes,calves | quads,hamstrings | beginner | knee | minutes
    easy-walk | Easy Walk | walk | cooldown | - | calves | - | beginner | - | minutes
    easy-treadmill-walk | Easy Treadmill Walk | walk | cooldown | treadmill | calves | - | beginner | - | minutes
    jump-rope | Jump Rope | jump-rope | cardio | jump-rope | calves | quads,forearms | beginner | ankle | minutes
    jump-rope-intervals | Jump Rope Intervals | jump-rope | cardio | jump-rope | calves | quads,forearms | intermediate | ankle,knee | seconds
    double-unders | Double-Unders | jump-rope | cardio | jump-rope | calves | quads,forearms | advanced | ankle,knee | reps
    easy-rope-skip | Easy Rope Skip Warm-Up | jump-rope | prep | jump-rope | calves | - | beginner | ankle | minutes
    burpee | Burpees | conditioning | cardio | - | quads,chest | triceps,abs,glutes | intermediate | knee,shoulder,wrist | reps
    step-back-burpee | Step-Back Burpee | conditioning | cardio | - | quads,chest | triceps,abs | beginner | wrist | reps
    mountain-climber | Mountain Climbers | conditioning | cardio | - | abs,hip-flexors | front-delts,quads | beginner | wrist | seconds
    sled-push | Sled Push | conditioning | cardio | sled | quads,glutes | calves,chest | intermediate | knee | seconds
    kb-swing-intervals | Kettlebell Swing Intervals | conditioning | cardio | kettlebell | glutes,hamstrings | lower-back,abs | intermediate | lower-back | seconds
    db-thruster | Dumbbell Thruster | conditioning | cardio | dumbbell | quads,front-delts | glutes,triceps | intermediate | knee,shoulder | reps
    med-ball-slam | Medicine Ball Slam | conditioning | cardio | medicine-ball | abs,back | front-delts,triceps | beginner | shoulder | reps
    skater-hops | Skater Hops | conditioning | cardio | - | glutes,quads | adductors,calves | intermediate | knee,ankle | seconds
    high-knees | High Knees | conditioning | prep | - | hip-flexors,calves | quads | beginner | ankle | seconds
    jumping-jacks | Jumping Jacks | conditioning | prep | - | calves,side-delts | quads | beginner | ankle | seconds
    leg-swings | Leg Swings | mobility | prep | - | hip-flexors,hamstrings | - | beginner | - | reps
    lateral-leg-swings | Lateral Leg Swings | mobility | prep | - | adductors,glutes | - | beginner | - | reps
    arm-circles | Arm Circles | mobility | prep | - | side-delts,front-delts | - | beginner | - | reps
    worlds-greatest-stretch | World's Greatest Stretch | mobility | prep | - | hip-flexors,hamstrings | obliques,adductors | beginner | - | reps
    cat-cow | Cat-Cow | mobility | prep | mat | lower-back,abs | - | beginner | - | reps
    hip-90-90-switch | 90/90 Hip Switch | mobility | prep | - | glutes,hip-flexors | adductors | beginner | - | reps
    walking-knee-hug | Walking Knee Hug | mobility | prep | - | glutes,hamstrings | hip-flexors | beginner | - | reps
    inchworm | Inchworm | mobility | prep | - | hamstrings,abs | front-delts | beginner | wrist | reps
    open-book | Open Book T-Spine Rotation | mobility | prep | - | obliques,back | chest | beginner | - | reps
    ankle-rocks | Knee-to-Wall Ankle Rocks | mobility | prep | - | calves | - | beginner | - | reps
    band-pass-through | Band Shoulder Pass-Through | mobility | prep | band | front-delts,chest | rear-delts | beginner | shoulder | reps
    spiderman-lunge | Spiderman Lunge | mobility | prep | - | hip-flexors,adductors | glutes | beginner | - | reps
    wall-slides | Wall Slides | mobility | prep | - | rear-delts,traps | side-delts | beginner | - | reps
    frankenstein-walk | Frankenstein Walk | mobility | prep | - | hamstrings | hip-flexors | beginner | - | reps
    hip-circles | Standing Hip Circles | mobility | prep | - | glutes,hip-flexors | adductors | beginner | - | reps
    squat-to-stand | Squat to Stand | mobility | prep | - | hamstrings,adductors | quads | beginner | knee | reps
    hip-mobility-flow | Hip Mobility Flow | mobility | prep | mat | glutes,hip-flexors | adductors | beginner | - | minutes
    full-body-mobility-flow | Full-Body Mobility Flow | mobility | cooldown | mat | hip-flexors,back | hamstrings | beginner | - | minutes
    standing-hamstring-stretch | Standing Hamstring Stretch | stretch | cooldown | - | hamstrings | - | beginner | - | seconds
    band-hamstring-stretch | Band Hamstring Stretch | stretch | cooldown | band | hamstrings | calves | beginner | - | seconds
    seated-forward-fold | Seated Forward Fold | stretch | cooldown | - | hamstrings,lower-back | calves | beginner | - | seconds
    standing-quad-stretch | Standing Quad Stretch | stretch | cooldown | - | quads | hip-flexors | beginner | - | seconds
    couch-stretch | Couch Stretch | stretch | cooldown | mat | hip-flexors,quads | - | intermediate | knee | seconds
    kneeling-hip-flexor-stretch | Kneeling Hip Flexor Stretch | stretch | cooldown | mat | hip-flexors | quads | beginner | - | seconds
    figure-four-stretch | Figure-Four Glute Stretch | stretch | cooldown | - | glutes | - | beginner | - | seconds
    pigeon-stretch | Pigeon Stretch | stretch | cooldown | mat | glutes,hip-flexors | - | intermediate | knee,hip | seconds
    butterfly-stretch | Seated Butterfly Stretch | stretch | cooldown | - | adductors | - | beginner | - | seconds
    frog-stretch | Frog Stretch | stretch | cooldown | mat | adductors | - | intermediate | hip | seconds
    childs-pose | Child's Pose | stretch | cooldown | mat | back,lower-back | - | beginner | - | seconds
    cobra-stretch | Cobra Stretch | stretch | cooldown | mat | abs | hip-flexors | beginner | lower-back | seconds
    supine-twist | Supine Spinal Twist | stretch | cooldown | - | obliques,lower-back | - | beginner | - | seconds
    side-bend-stretch | Standing Side Bend Stretch | stretch | cooldown | - | obliques | back | beginner | - | seconds
    doorway-chest-stretch | Doorway Chest Stretch | stretch | cooldown | - | chest | front-delts | beginner | - | seconds
    cross-body-shoulder-stretch | Cross-Body Shoulder Stretch | stretch | cooldown | - | rear-delts | - | beginner | - | seconds
    overhead-triceps-stretch | Overhead Triceps Stretch | stretch | cooldown | - | triceps | back | beginner | - | seconds
    kneeling-lat-stretch | Kneeling Lat Stretch | stretch | cooldown | bench | back | triceps | beginner | - | seconds
    wall-calf-stretch | Wall Calf Stretch | stretch | cooldown | - | calves | - | beginner | - | seconds
    upper-trap-stretch | Upper Trap Neck Stretch | stretch | cooldown | - | traps | - | beginner | - | seconds
    wrist-flexor-stretch | Wrist Flexor Stretch | stretch | cooldown | - | forearms | - | beginner | - | seconds
    """
}
