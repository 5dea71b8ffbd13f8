"""Words for the benchmark organisation: a UK public-service body (police, fire, council) talking.

Sentences are built from templates filled with these phrases, so word frequencies follow the
skewed pattern of real posts (a few words everywhere, most words rare) and multi-word searches
have realistic co-occurrence.
"""

# fmt: off
FIRST_NAMES = [
    "Aisha", "Alex", "Amelia", "Amir", "Amy", "Andrew", "Anna", "Ben", "Bethan", "Callum", "Carys", "Charlotte",
    "Chloe", "Chris", "Claire", "Connor", "Dan", "Daniel", "David", "Declan", "Eleanor", "Ellie", "Emily",
    "Emma", "Ethan", "Fatima", "Finley", "Gareth", "Georgia", "Grace", "Hannah", "Harry", "Helen", "Imran",
    "Isla", "Jack", "Jade", "James", "Jasmine", "Jordan", "Josh", "Kate", "Kieran", "Laura", "Leah", "Liam",
    "Lucy", "Mark", "Megan", "Mohammed", "Nathan", "Niamh", "Oliver", "Olivia", "Owen", "Paul", "Priya",
    "Rachel", "Rebecca", "Rhys", "Ruth", "Ryan", "Sam", "Sarah", "Shauna", "Simon", "Sophie", "Stephen",
    "Tom", "Usman", "Victoria", "Wei", "Will", "Yasmin", "Zara", "Zoe",
]
LAST_NAMES = [
    "Ahmed", "Ali", "Allen", "Bailey", "Baker", "Bennett", "Brown", "Campbell", "Chen", "Clarke", "Cole",
    "Cooper", "Davies", "Edwards", "Ellis", "Evans", "Foster", "Green", "Griffiths", "Hall", "Harris", "Hughes",
    "Hussain", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Kaur", "Khan", "King", "Lewis", "Marsden",
    "Martin", "Mitchell", "Morgan", "Morris", "Murphy", "Nair", "Nowak", "O'Connor", "Okoro", "Owen", "Patel",
    "Phillips", "Price", "Rahman", "Reeves", "Roberts", "Robinson", "Scott", "Shaw", "Singh", "Smith",
    "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White", "Whitaker", "Williams",
    "Wilson", "Wood", "Wright", "Young",
]

# (unit, parent, job titles)
UNITS = [
    ("Chief Officer Team", None, ["Chief Constable", "Deputy Chief Constable", "Staff Officer"]),
    ("Professional Standards", "Chief Officer Team", ["Sergeant, Professional Standards", "Investigator"]),
    ("Local Policing", None, ["Chief Superintendent", "Business Manager"]),
    ("Response Policing", "Local Policing", ["Police Constable, Response", "Sergeant, Response", "Inspector, Response"]),
    ("Neighbourhood Policing", "Local Policing", ["PCSO", "Neighbourhood Sergeant", "Police Constable, Neighbourhood"]),
    ("Roads Policing", "Local Policing", ["Roads Policing Constable", "Collision Investigator"]),
    ("Crime", None, ["Detective Superintendent", "Crime Analyst"]),
    ("CID", "Crime", ["Detective Constable", "Detective Sergeant", "Investigation Officer"]),
    ("Public Protection", "Crime", ["Safeguarding Officer", "Detective Constable, Public Protection"]),
    ("Custody", None, ["Custody Sergeant", "Detention Officer", "Custody Nurse"]),
    ("Contact Centre", None, ["Call Handler", "Dispatcher", "Control Room Supervisor"]),
    ("Fire and Rescue", None, ["Firefighter", "Watch Manager", "Station Manager", "On-call Firefighter"]),
    ("Fire Prevention", "Fire and Rescue", ["Fire Safety Inspector", "Community Safety Advisor"]),
    ("Adult Social Care", None, ["Social Worker", "Occupational Therapist", "Care Coordinator"]),
    ("Highways and Waste", None, ["Highways Inspector", "Waste Operative", "Fleet Coordinator"]),
    ("Corporate Communications", None, ["Communications Officer", "Digital Content Lead", "Head of Communications"]),
    ("People Services", None, ["HR Business Partner", "Wellbeing Lead", "Learning and Development Advisor"]),
    ("Digital Services", None, ["Service Desk Analyst", "Developer", "Data Engineer", "Digital Product Owner"]),
    ("Finance", None, ["Finance Business Partner", "Procurement Officer", "Payroll Advisor"]),
    ("Estates", None, ["Facilities Coordinator", "Estates Surveyor"]),
]

# (name, description, kind); All staff is the 50th. 7 private + 3 secret = 10 not public.
COMMUNITIES = [
    ("Response Team", "Shift news, kit and rest days for response officers across the county.", "public"),
    ("Neighbourhood Policing Network", "What works on the beat: engagement, problem solving and partnership.", "public"),
    ("Wellbeing Champions", "Peer support, TRiM, mental health first aid and looking after each other.", "public"),
    ("Digital Services Updates", "Laptop rollout, Microsoft Teams, Wi-Fi and the service desk.", "public"),
    ("Lunch and Learn", "Short sessions over lunch: book a place, share the slides.", "public"),
    ("Roads Policing", "Collisions, Operation Snap dashcam footage and fatal four campaigns.", "public"),
    ("Custody Matters", "Custody suite updates, PACE reminders and detainee welfare.", "public"),
    ("Control Room", "999 and 101 demand, THRIVE, dispatch and call handling.", "public"),
    ("Fire Station Watch", "Watch news, drills, appliances and on-call cover.", "public"),
    ("Community Safety", "Home fire safety checks, ASB and partnership work with the council.", "public"),
    ("Adult Social Care Network", "Practice notes, care assessments and hospital discharge.", "public"),
    ("Highways and Waste", "Gritting routes, potholes, bin collections and fleet.", "public"),
    ("Learning and Development", "CPD, PEQF, apprenticeships, tutor constables and courses.", "public"),
    ("Hybrid Working", "Desks, hybrid meetings, expenses and working from home.", "public"),
    ("Pride Network", "LGBT+ colleagues and allies: events, support and Pride month.", "public"),
    ("Women in Policing", "Support, mentoring, menopause and flexible working.", "public"),
    ("Race Equality Network", "Black History Month, recruitment and fair treatment.", "public"),
    ("Disability Network", "Reasonable adjustments, neurodiversity and accessibility.", "public"),
    ("Specials and Volunteers", "Special constables, volunteers and cadets.", "public"),
    ("Recruitment", "Open days, assessment centres and new starters.", "public"),
    ("Fleet and Kit", "Vehicles, body-worn video, radios and uniform.", "public"),
    ("Estates and Facilities", "Buildings, parking, canteens and repairs.", "public"),
    ("Finance Help", "Budgets, procurement, payroll and the pay award.", "public"),
    ("Data and Insight", "Dashboards, crime data and performance reports.", "public"),
    ("Sports and Social", "Five-a-side, charity runs, quizzes and the summer barbecue.", "public"),
    ("Environment Group", "Net zero, electric vehicles, recycling and cycling to work.", "public"),
    ("Armed Forces Network", "Veterans and reservists across the service.", "public"),
    ("Faith Network", "Prayer rooms, Ramadan, Diwali, Christmas and support.", "public"),
    ("Carers Network", "Colleagues who care for family members.", "public"),
    ("Parents at Work", "School holidays, childcare and shared parental leave.", "public"),
    ("Eastport Neighbourhood Team", "Eastport beat news, surgeries and partners.", "public"),
    ("Kingsmere Neighbourhood Team", "Kingsmere beat news, schools and partners.", "public"),
    ("Harbourside Station", "Everything at Harbourside: rotas, kit and the kitchen.", "public"),
    ("Contact Centre Team", "Rotas, scripts, wellbeing and call quality.", "public"),
    ("Forensics Network", "Scene examiners, digital forensics and lab updates.", "public"),
    ("Mental Health Triage", "Street triage, Right Care Right Person and partners.", "public"),
    ("Missing Persons", "Missing from home, return interviews and search.", "public"),
    ("Volunteering Days", "Charity days, school reading and community clean-ups.", "public"),
    ("Innovation Hub", "Ideas, pilots and things we should stop doing.", "public"),
    ("Comms Team", "Campaign planning, press lines and social media.", "private"),
    ("Chief Officer Group", "Strategy, budget and organisational change.", "private"),
    ("Professional Standards Unit", "Conduct matters and vetting.", "private"),
    ("Public Protection Leads", "MARAC, MAPPA, MASH and safeguarding leads.", "private"),
    ("HR Casework", "Attendance, grievances and case reviews.", "private"),
    ("Union Reps", "Federation and Unison representatives.", "private"),
    ("Major Incident Planning", "Business continuity and exercises.", "private"),
    ("Operation Harbour", "Organised crime group investigation.", "secret"),
    ("Operation Nightjar", "Covert investigation team.", "secret"),
    ("Restructure Working Group", "Confidential planning for the operating model review.", "secret"),
]

TOPICS = [
    "wellbeing", "training", "safeguarding", "roadsafety", "recruitment", "onboarding", "pride", "inclusion",
    "digital", "laptops", "teams", "hybridworking", "payaward", "fleet", "bodyworncam", "custody", "response",
    "neighbourhood", "asb", "countylines", "domesticabuse", "mentalhealth", "menopause", "firesafety", "oncall",
    "wintergritting", "potholes", "recycling", "netzero", "volunteering", "charity", "lunchandlearn", "cpd",
    "peqf", "apprenticeships", "shiftpatterns", "restdays", "kit", "uniform", "estates", "canteen", "parking",
    "budget", "procurement", "dataquality", "dashboards", "innovation", "pilot", "thankyou", "kudos",
]

TEAMS = [
    "B relief", "the Eastport team", "the control room", "custody staff", "the Kingsmere PCSOs",
    "Blue Watch", "Red Watch", "the on-call crews", "the service desk", "the comms team", "payroll",
    "the social care duty team", "the gritting crews", "CID", "the MASH team", "roads policing",
    "the neighbourhood team", "the learning team", "the estates team", "the wellbeing champions",
    "the specials", "the volunteers", "the fleet workshop", "the forensics lab", "the missing persons unit",
]
THINGS = [
    "the new shift pattern", "body-worn video", "the laptop rollout", "Microsoft Teams", "the Airwave radios",
    "the ESN trial", "ANPR cameras", "stop and search recording", "the custody booking system",
    "home fire safety checks", "the THRIVE assessment", "occupational health referrals", "the expenses system",
    "the pay award", "rest day cancellations", "the new uniform", "electric pool cars", "the canteen menu",
    "car parking at headquarters", "the hybrid working policy", "TRiM assessments", "the menopause policy",
    "mental health first aid training", "the apprenticeship scheme", "PEQF assignments", "tutor constable support",
    "the domestic abuse risk assessment", "county lines referrals", "the anti-social behaviour tool",
    "winter gritting routes", "the pothole reporting app", "bin collection rounds", "hospital discharge planning",
    "care assessments", "the Right Care Right Person approach", "missing from home reports", "Operation Snap",
    "the fatal four campaign", "the community engagement plan", "the recruitment open day",
    "the wellbeing hub", "the intranet", "the crime dashboard", "the data quality report", "Wi-Fi at the station",
    "the printer on the second floor", "the lunch and learn sessions", "the charity run", "the summer barbecue",
]
PLACES = [
    "Eastport", "Kingsmere", "Harbourside", "Millbrook", "Northgate", "Ashby Cross", "Westfield",
    "headquarters", "the custody suite", "the control room", "the fire station", "County Hall",
    "the depot", "the training centre", "the hospital", "the town centre",
]
TIMES = ["last night", "this morning", "yesterday", "at the weekend", "last week", "on Friday", "this month",
         "over the bank holiday", "on nights", "during the early shift"]
FEELINGS = ["really proud of", "grateful for", "impressed by", "a bit worried about", "curious about",
            "struggling with", "excited about", "confused by", "happy with", "frustrated with"]
ASKS = [
    "Does anyone know how {thing} works on nights?",
    "Has anyone found a workaround for {thing}?",
    "Who is the right person to ask about {thing}?",
    "Can we have a lunch and learn on {thing}?",
    "Is {thing} going to be rolled out at {place} too?",
    "What do people think about {thing}?",
    "Any tips for new starters on {thing}?",
]
STATEMENTS = [
    "Huge thanks to {team} for covering at {place} {time}.",
    "Really impressed by {team} {time}: calm, professional and kind.",
    "Reminder that {thing} changes from next month, so please read the briefing.",
    "We've updated the guidance on {thing} after your feedback.",
    "{team} handled a difficult incident in {place} {time} and looked after each other.",
    "I'm {feeling} {thing} and would welcome other views.",
    "Quick update on {thing}: the pilot at {place} went well and we're extending it.",
    "Please book onto the session about {thing} if you haven't already.",
    "Shout out to {team} for the work on {thing}.",
    "The survey on {thing} closes on Friday; every response is read.",
    "Safeguarding reminder: if in doubt, refer it and record your rationale.",
    "Running late at {place} because of roadworks, so allow extra time {time}.",
    "Policing {place} {time} showed how much the community engagement plan matters.",
    "Officers running the stall at {place} spoke to over a hundred residents {time}.",
    "Well done to everyone who ran in the charity run {time}.",
    "The fire crews at {place} ran a brilliant open day {time}.",
]
REPLIES = [
    "Thanks, this is really helpful.", "Agreed, great work by everyone involved.", "Same problem here at {place}.",
    "I'll pass this on to {team}.", "Can you share the slides?", "Brilliant, well done all.",
    "We tried {thing} at {place} and it helped.", "Is there a link to the guidance?", "Count me in.",
    "I had the same question about {thing}.", "Thanks for flagging, I'll raise it at the next meeting.",
    "This made my day.", "Proud of {team}.", "Good shout, we should do this more.",
    "Any update on {thing}?", "I'm running the next one if anyone wants to help.",
]
# fmt: on
