/**
 * The vocabulary of the embedded news corpus: event kinds with their phrases, and the people, roles,
 * organisations, places and dates that fill an article's slots. Every pool is large enough that an
 * article's true slot and its distractors differ.
 */

export interface EventKind {
  /** Past tense, for the article: "opened a new hospital". */
  readonly past: string;
  /** Present perfect, for the summary: "has opened a new hospital". */
  readonly perfect: string;
  /** The event as a noun, for background sentences: "the hospital". */
  readonly noun: string;
  /** What the number counts: "beds". */
  readonly unit: string;
  /** The range the number is drawn from. */
  readonly range: readonly [min: number, max: number];
  /** Headline, with {who} and {where}. */
  readonly title: string;
}

export const EVENTS: readonly EventKind[] = [
  { past: 'opened a new hospital', perfect: 'has opened a new hospital', noun: 'the hospital', unit: 'beds', range: [80, 900], title: '{who} opens {where} hospital' },
  { past: 'announced job cuts', perfect: 'has announced job cuts', noun: 'the cuts', unit: 'jobs', range: [50, 4000], title: '{where} job cuts announced by {who}' },
  { past: 'signed a trade deal', perfect: 'has signed a trade deal', noun: 'the deal', unit: 'million dollars', range: [10, 900], title: '{who} signs {where} trade deal' },
  { past: 'won the cup final', perfect: 'has won the cup final', noun: 'the final', unit: 'points', range: [2, 120], title: 'Cup glory for {who} in {where}' },
  { past: 'resigned after a funding row', perfect: 'has resigned after a funding row', noun: 'the resignation', unit: 'years in office', range: [2, 30], title: '{who} quits in {where} funding row' },
  { past: 'launched a weather satellite', perfect: 'has launched a weather satellite', noun: 'the launch', unit: 'kilograms', range: [100, 5000], title: '{who} launches satellite from {where}' },
  { past: 'closed a car factory', perfect: 'has closed a car factory', noun: 'the closure', unit: 'workers', range: [100, 6000], title: '{where} car factory shut by {who}' },
  { past: 'led a protest march', perfect: 'has led a protest march', noun: 'the march', unit: 'people', range: [500, 90000], title: 'Thousands march with {who} in {where}' },
  { past: 'unveiled a housing budget', perfect: 'has unveiled a housing budget', noun: 'the budget', unit: 'billion pounds', range: [1, 90], title: '{who} unveils {where} housing budget' },
  { past: 'was arrested over a fraud inquiry', perfect: 'has been arrested over a fraud inquiry', noun: 'the inquiry', unit: 'million euros', range: [1, 400], title: '{who} arrested in {where} fraud inquiry' },
  { past: 'rescued miners from a flooded pit', perfect: 'has rescued miners from a flooded pit', noun: 'the rescue', unit: 'miners', range: [3, 90], title: '{who} leads {where} mine rescue' },
  { past: 'banned single-use plastics', perfect: 'has banned single-use plastics', noun: 'the ban', unit: 'shops', range: [200, 20000], title: '{where} plastics ban from {who}' },
];

export const FIRST_NAMES = [
  'Maria', 'James', 'Aisha', 'Oliver', 'Chen', 'Fatima', 'Lucas', 'Priya', 'Kwame', 'Elena', 'Tomas', 'Amara', 'Hiroshi', 'Sofia',
  'Daniel', 'Leila', 'Mateo', 'Ingrid', 'Samuel', 'Nadia', 'Viktor', 'Zara', 'Pedro', 'Yuki',
];
export const SURNAMES = [
  'Lopez', 'Okafor', 'Nguyen', 'Schmidt', 'Patel', 'Kowalski', 'Haddad', 'Johansson', 'Mensah', 'Rossi', 'Tanaka', 'Murphy',
  'Novak', 'Ibrahim', 'Fischer', 'Silva', 'Dubois', 'Kim', 'Moreau', 'Adeyemi', 'Larsen', 'Costa', 'Petrov', 'Walsh',
];
export const ROLES = ['health minister', 'chief executive', 'mayor', 'team captain', 'party leader', 'union chief', 'police chief', 'finance minister', 'regional governor', 'company founder'];
export const ORGANISATIONS = [
  'the Northern Alliance', 'Harbour Holdings', 'the City Council', 'United Rovers', 'the Green Party', 'the National Rail Union',
  'Apex Motors', 'the Space Agency', 'Riverside Trust', 'the Labour Federation', 'Meridian Bank', 'the Coastal Authority',
];
export const PLACES = [
  'Leeds', 'Lagos', 'Hanoi', 'Munich', 'Mumbai', 'Krakow', 'Beirut', 'Gothenburg', 'Accra', 'Naples', 'Osaka', 'Cork', 'Brno',
  'Kano', 'Hamburg', 'Recife', 'Lyon', 'Busan', 'Nantes', 'Ibadan', 'Bergen', 'Porto', 'Kazan', 'Belfast',
];
export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
export const MOODS = ['historic', 'difficult', 'proud', 'sad', 'remarkable', 'long'];
