/** Dutch labels for the closed lists of the casus workflow and the policy lifecycle (codes stay in the API). */
export const CASE_STATUS: Record<string, string> = {
  aangemeld: 'Aangemeld',
  'in-screening': 'In screening',
  besproken: 'Besproken',
  vervolg: 'Vervolg',
  opgeschaald: 'Opgeschaald',
  afgeschaald: 'Afgeschaald',
  afgesloten: 'Afgesloten',
};


export const ESCALATION_REASON: Record<string, string> = {
  'complexe-problematiek': 'Complexe problematiek',
  veiligheidsrisico: 'Veiligheidsrisico',
  'meerdere-leefgebieden': 'Problemen op meerdere leefgebieden',
  'stagnatie-hulpverlening': 'Hulpverlening stagneert',
  'zorgen-afgenomen': 'Zorgen zijn afgenomen',
  'lokaal-netwerk-volstaat': 'Lokaal netwerk volstaat',
  'hulp-geborgd': 'Hulp is geborgd',
};

export const CLOSE_OUTCOME: Record<string, string> = {
  'doelen-bereikt': 'Doelen bereikt',
  overgedragen: 'Overgedragen',
  'geen-zorgen': 'Geen zorgen (meer)',
  'niet-in-doelgroep': 'Niet in de doelgroep',
  'geen-medewerking': 'Geen medewerking',
  overig: 'Overig',
};

export const VERVOLG_KIND: Record<string, string> = {
  'gesprek-jongere': 'Gesprek met de jongere',
  'gesprek-ouders': 'Gesprek met de ouders',
  hulpverlening: 'Hulpverlening',
  'halt-interventie': 'Halt-interventie',
  toezicht: 'Toezicht',
  'school-leerplicht': 'School / leerplicht',
  jongerenwerk: 'Jongerenwerk',
  'warme-overdracht': 'Warme overdracht',
  overig: 'Overig',
};

export const DEFER_REASON: Record<string, string> = {
  'lopend-onderzoek': 'Lopend onderzoek',
  'veiligheid-jongere': 'Veiligheid van de jongere',
  'veiligheid-derden': 'Veiligheid van anderen',
  'rechten-anderen': 'Rechten van anderen',
};

export const ROUTE_IN_OTHER: Record<string, string> = { school: 'School', 'ouders-jongere': 'Ouders of jongere zelf', overig: 'Overig' };

export const NOTIFICATION_STATE: Record<string, string> = { pending: 'Nog niet geïnformeerd', informed: 'Geïnformeerd', deferred: 'Uitgesteld' };

export const POLICY_STATUS: Record<string, string> = {
  draft: 'Concept',
  submitted: 'Ingediend',
  approved: 'Goedgekeurd',
  scheduled: 'Gepland',
  active: 'Actief',
  superseded: 'Vervangen',
  rejected: 'Afgewezen',
};

export const SEVERITY: Record<string, string> = { error: 'Fout', warning: 'Waarschuwing', info: 'Info' };

/** Why a legal hold suspends retention (rights.schema.json holdReason). */
export const HOLD_REASON: Record<string, string> = {
  'klacht-ap': 'Klacht bij de Autoriteit Persoonsgegevens',
  bezwaarprocedure: 'Bezwaarprocedure',
  rechtszaak: 'Rechtszaak',
  inzageverzoek: 'Inzageverzoek',
  'onderzoek-fg': 'Onderzoek door de FG',
};

/** A bezwaar's decision (AVG art. 21). */
export const BEZWAAR_DECISION: Record<string, string> = { upheld: 'Toegewezen', rejected: 'Afgewezen' };

/** What started a retention run. */
export const RETENTION_TRIGGER: Record<string, string> = { api: 'Op verzoek', schedule: 'Volgens schema', cli: 'Opdrachtregel (jpp-broker retention run)' };

/** Verzoeken van betrokkenen (AVG arts. 12–22). */
export const VERZOEK_TYPE: Record<string, string> = {
  inzage: 'Inzage (art. 15)',
  rectificatie: 'Rectificatie (art. 16)',
  wissing: 'Wissing (art. 17)',
  beperking: 'Beperking van de verwerking (art. 18)',
  bezwaar: 'Bezwaar (art. 21)',
  informatie: 'Informatie over de verwerking (art. 13 en 14)',
};
export const VERZOEK_REQUESTER: Record<string, string> = { betrokkene: 'De jongere zelf', 'ouder-of-voogd': 'Ouder of voogd', gemachtigde: 'Een gemachtigde (bijvoorbeeld een advocaat)' };
export const IDENTITY_CHECK: Record<string, string> = {
  'legitimatiebewijs-getoond': 'Legitimatiebewijs getoond aan de balie (niet gekopieerd)',
  digid: 'Ingelogd met DigiD',
  'bekend-via-hulpverlener': 'Bevestigd door een bekende hulpverlener',
  'gezag-gecontroleerd': 'Gezag van de ouder of voogd gecontroleerd',
};
export const VERZOEK_DECISION: Record<string, string> = { granted: 'Toegewezen', 'partly-granted': 'Deels toegewezen', refused: 'Afgewezen' };

/** Why a partner is on a casus's invitation list (casusoverleg). */
export const INVITATION_GROUND: Record<string, string> = {
  hit: 'Kent de jongere (bekend)',
  aanmelder: 'Heeft aangemeld',
  regiehouder: 'Regiehouder',
  toegevoegd: 'Toegevoegd door de voorzitter',
};

/** The voorzitter's reasons for adding a partner (casusoverleg). */
export const INVITATION_REASON: Record<string, string> = {
  'betrokken-bij-gezin': 'Betrokken bij het gezin',
  'lopende-hulpverlening': 'Lopende hulpverlening',
  vervolgactie: 'Heeft een vervolgactie',
  'warme-overdracht': 'Warme overdracht',
  expertise: 'Deskundigheid nodig',
  overig: 'Overig',
};

/** Why the policy did not let the voorzitter invite a partner (casusoverleg). */
export const EXCLUSION_REASON: Record<string, string> = {
  'toestemming-nodig': 'Niet uitgenodigd: deze partner mag alleen worden uitgenodigd met toestemming die nu geldt voor elke jongere van de casus en deze partner noemt. Leg eerst de toestemming vast.',
  geweigerd: 'Niet uitgenodigd: een regel van het beleid weigert dit.',
  'geen-regel': 'Niet uitgenodigd: geen regel van het beleid staat toe deze partner uit te nodigen.',
};
