/**
 * Demo content seeded on first start: "The Defence Times", a fictional defence & geopolitics outlet.
 *
 * Every body below is original placeholder writing produced for this project. Articles paraphrase
 * public events in a neutral register and attribute views to unnamed officials or analysts; no text
 * is copied from any real publication. Contact details use the reserved `.example` / example.com
 * domains only.
 */

export interface DemoSection {
  slug: string
  name: string
  description: string
}

export interface DemoTag {
  slug: string
  name: string
  description: string
}

export interface DemoPage {
  slug: string
  title: string
  /** Markdown. */
  body: string
  metaDescription: string
}

export interface DemoAuthor {
  slug: string
  name: string
  bio: string
  website: string
  socialLinks: { network: string; url: string }[]
}

export interface DemoArticle {
  title: string
  /** A DemoSection slug. */
  section: string
  /** ISO 8601 UTC with millisecond precision, always ending in `.000Z`. */
  publishedAt: string
  /** One or two sentences, at most 280 characters. */
  excerpt: string
  /** DemoTag slugs, two to five per article. */
  tags: string[]
  featuredImage: { alt: string; caption: string; credit: string }
  /** Markdown, original text. */
  body: string
  /** Shares its byline with the demo co-author (second in the byline). */
  coAuthored?: boolean
  /** A public note appended after publication (the corrections box). */
  correction?: { kind: 'correction' | 'update' | 'clarification'; text: string; at: string }
}

export interface DemoSite {
  title: string
  tagline: string
  description: string
  url: string
  socialLinks: { network: string; url: string }[]
  navigationLinks: { label: string; url: string }[]
  footerLinks: { label: string; url: string }[]
}

const ILLUSTRATION = 'The Defence Times / Illustration'
const FILE_PHOTO = 'The Defence Times / File Photo'

export const demoSite: DemoSite = {
  title: 'The Defence Times',
  tagline: 'Get The Latest Geo-Political News',
  description:
    'The Defence Times is a demo news site covering defence, security and geopolitics across Asia, Europe, the Middle East and North America.',
  url: 'https://thedefencetimes.example',
  socialLinks: [
    { network: 'facebook', url: 'https://facebook.com/thedefencetimes' },
    { network: 'x', url: 'https://x.com/thedefencetimes' },
    { network: 'instagram', url: 'https://instagram.com/thedefencetimes' },
    { network: 'youtube', url: 'https://youtube.com/thedefencetimes' },
    { network: 'linkedin', url: 'https://linkedin.com/thedefencetimes' },
  ],
  navigationLinks: [{ label: 'About Us', url: '/about-us' }],
  footerLinks: [
    { label: 'About Us', url: '/about-us' },
    { label: 'Contact Us', url: '/contact-us' },
    { label: 'Privacy Policy', url: '/privacy-policy' },
    { label: 'Terms Of Use', url: '/terms-of-use' },
    { label: 'Disclaimer', url: '/disclaimer' },
  ],
}

/** Navigation order: the array index becomes the section position. */
export const demoSections: DemoSection[] = [
  {
    slug: 'asia-pacific',
    name: 'Asia-Pacific',
    description: 'Military power, alliances and flashpoints from the Taiwan Strait to the South China Sea and the western Pacific.',
  },
  {
    slug: 'europe',
    name: 'Europe',
    description: 'NATO, European defence procurement and security on the continent from the Baltic to the Mediterranean.',
  },
  {
    slug: 'india',
    name: 'India',
    description: "India's armed forces, defence industry and strategic partnerships, from fighter programmes to naval modernisation.",
  },
  {
    slug: 'middle-east',
    name: 'Middle-East',
    description: 'Regional conflicts, air and missile defence and maritime security across the Gulf, the Levant and the Red Sea.',
  },
  {
    slug: 'north-america',
    name: 'North America',
    description: 'US and Canadian defence policy, budgets, shipbuilding and the security of the Arctic and the Pacific approaches.',
  },
  {
    slug: 'south-asia',
    name: 'South Asia',
    description: 'Security and geopolitics in Pakistan, Afghanistan, Bangladesh, Sri Lanka and the wider subcontinent.',
  },
  {
    slug: 'russia-ukraine-war',
    name: 'Russia-Ukraine War',
    description: "The war in Ukraine and its consequences for European security, energy markets and the global order.",
  },
]

export const demoAuthor: DemoAuthor = {
  slug: 'the-defence-times',
  name: 'The Defence Times',
  bio: 'The Defence Times desk covers defence, security and geopolitics with a focus on Asia, Europe and the Middle East. This is a demo byline used for the sample articles that ship with the CMS.',
  website: 'https://thedefencetimes.example',
  socialLinks: [
    { network: 'x', url: 'https://x.com/thedefencetimes' },
    { network: 'linkedin', url: 'https://linkedin.com/thedefencetimes' },
  ],
}

/** A second byline: the demo's co-authored article shows two authors. */
export const demoCoAuthor: DemoAuthor = {
  slug: 'meera-kapoor',
  name: 'Meera Kapoor',
  bio: 'Meera Kapoor reports on Chinese foreign policy and the Indo-Pacific. A demo byline: she shares the by-line of one sample article.',
  website: 'https://thedefencetimes.example/meera-kapoor',
  socialLinks: [{ network: 'x', url: 'https://x.com/meerakapoor_demo' }],
}

export const demoTags: DemoTag[] = [
  { slug: 'china', name: 'China', description: "China's military, foreign policy and the People's Republic's role in regional security." },
  { slug: 'taiwan', name: 'Taiwan', description: 'Taiwan, cross-strait relations and security in the Taiwan Strait.' },
  { slug: 'united-states', name: 'United States', description: 'US defence policy, the Pentagon, and American alliances around the world.' },
  { slug: 'pla', name: 'PLA', description: "The People's Liberation Army, its navy, air force and rocket force." },
  { slug: 'air-power', name: 'Air Power', description: 'Combat aircraft, air forces, airborne early warning and the contest for control of the air.' },
  { slug: 'stealth', name: 'Stealth', description: 'Low-observable aircraft and the sensors designed to find them.' },
  { slug: 'missiles', name: 'Missiles', description: 'Cruise, ballistic, anti-ship and interceptor missiles and the systems that launch them.' },
  { slug: 'naval-power', name: 'Naval Power', description: 'Navies, warships, submarines and maritime security.' },
  { slug: 'aircraft-carriers', name: 'Aircraft Carriers', description: 'Carrier programmes, refits and carrier aviation.' },
  { slug: 'india', name: 'India', description: "India's armed forces and strategic posture." },
  { slug: 'defence-industry', name: 'Defence Industry', description: 'Manufacturers, procurement deals, supply chains and industrial capacity.' },
  { slug: 'pakistan', name: 'Pakistan', description: "Pakistan's military, politics and foreign relations." },
  { slug: 'russia', name: 'Russia', description: "Russia's armed forces, foreign policy and energy leverage." },
  { slug: 'ukraine', name: 'Ukraine', description: "Ukraine's defence and the consequences of the war." },
  { slug: 'energy', name: 'Energy', description: 'Oil, gas and pipelines where they meet security and geopolitics.' },
  { slug: 'nato', name: 'NATO', description: 'The North Atlantic alliance, its exercises and its member states.' },
  { slug: 'middle-east-security', name: 'Middle East Security', description: 'Conflicts, air defence and maritime security in the Middle East.' },
  { slug: 'philippines', name: 'Philippines', description: 'Philippine defence and the dispute over the South China Sea.' },
  { slug: 'radar', name: 'Radar', description: 'Surveillance, early-warning and fire-control radars on land, at sea and in the air.' },
  { slug: 'diplomacy', name: 'Diplomacy', description: 'Talks, summits and the diplomatic side of security policy.' },
]

export const demoPages: DemoPage[] = [
  {
    slug: 'about-us',
    title: 'About Us',
    metaDescription: 'About The Defence Times, a demo defence and geopolitics news site that ships with the CMS.',
    body: `**The Defence Times** is a demonstration publication that ships with this CMS. It shows how a small newsroom covering defence, security and geopolitics might organise its sections, tags, pages and articles.

## What we cover

Our sample coverage follows military developments in the Asia-Pacific, Europe, India, the Middle East, North America and South Asia, along with the war between Russia and Ukraine. Stories focus on air power, naval forces, missiles, the defence industry and the diplomacy that shapes them.

## How this site works

Every article, page and byline you see here is placeholder content written for the demo. The articles paraphrase public events in a neutral style and attribute views to unnamed officials or analysts. They are not reporting and should not be cited.

Publishers using the CMS can edit or delete any of this content from the admin API, or start with an empty database by disabling the demo seed.`,
  },
  {
    slug: 'contact-us',
    title: 'Contact Us',
    metaDescription: 'How to reach the demo newsroom of The Defence Times.',
    body: `We would love to hear from you. The addresses below are placeholders on reserved example domains, so messages sent to them will not be delivered anywhere.

- **Editorial desk:** editor@thedefencetimes.example
- **News tips:** tips@thedefencetimes.example
- **Corrections:** corrections@thedefencetimes.example
- **Advertising and partnerships:** partners@example.com

## Postal address

The Defence Times (Demo)
1 Example Street
Example City, EX1 2MP

## Before you write

If you are reporting an error in an article, please include the headline and a short description of the problem. For press releases, plain text is preferred over attachments.

Publishers running this CMS should replace this page with their own contact details before going live.`,
  },
  {
    slug: 'privacy-policy',
    title: 'Privacy Policy',
    metaDescription: 'Placeholder privacy policy for The Defence Times demo site.',
    body: `*This is a demo placeholder, not a legal document. Replace it with a policy reviewed for your own publication.*

## What we collect

When you subscribe to the newsletter we store your email address. Subscriptions use **double opt-in**: we send a confirmation link, and nothing further is sent unless you click it. Every newsletter includes a link to unsubscribe.

When you post a comment we store your name, email address and comment text. All comments go through **moderation**, and an automated **spam filter** checks submissions before a moderator reviews them. Comments flagged as spam may be deleted without notice.

## How we use it

We use this information only to send the newsletter you asked for and to display and moderate comments. We do not sell personal data.

## Your choices

You can unsubscribe at any time or ask us to remove a comment by writing to privacy@thedefencetimes.example.`,
  },
  {
    slug: 'terms-of-use',
    title: 'Terms Of Use',
    metaDescription: 'Placeholder terms of use for The Defence Times demo site.',
    body: `*These terms are placeholder text for a demo site. They are not legal advice and create no obligations.*

## Using the site

You are welcome to read, share links to and quote short excerpts from the articles on this site, with a link back to the original page. Please do not republish whole articles.

## Comments

By posting a comment you agree to keep the discussion civil and on topic. We may edit or remove comments that are abusive, off topic, promotional or that appear to be spam.

## Content

The articles on this site are sample content written to demonstrate the CMS. They may be incomplete, simplified or out of date, and they should not be relied upon as news reporting.

## Changes

Publishers using the CMS should replace these terms with their own before launching a real site.`,
  },
  {
    slug: 'disclaimer',
    title: 'Disclaimer',
    metaDescription: 'Disclaimer for the demo content on The Defence Times.',
    body: `The Defence Times is a **demo publication**. The articles, pages and author profile on this site were written as sample content to show what the CMS can do.

Articles paraphrase publicly discussed events in a neutral style. They do not contain direct quotations from real people, and views are attributed to unnamed officials, observers or analysts. Figures, dates and details have been simplified and may be inaccurate.

Nothing on this site should be treated as news reporting, analysis you can rely on, or professional advice of any kind. Images referred to in captions are illustrative placeholders.

External links, where present, point to reserved example domains. Any resemblance between the demo newsroom and a real publication is for illustration only.`,
  },
]

/** Newest first. */
export const demoArticles: DemoArticle[] = [
  {
    title: 'Pakistani Security Expert Drops Bombshell, Says USA Runs Nur Khan Airbase; Even Pak Army Not Allowed To Enter',
    section: 'south-asia',
    publishedAt: '2025-06-06T14:20:00.000Z',
    excerpt:
      'A Pakistani security commentator has claimed on television that the United States controls access to Nur Khan Airbase near Rawalpindi, an allegation that officials in Islamabad have not confirmed.',
    tags: ['pakistan', 'united-states', 'air-power'],
    featuredImage: {
      alt: 'Military transport aircraft parked on the apron of an air base at dusk',
      caption: 'Nur Khan Airbase',
      credit: ILLUSTRATION,
    },
    body: `A Pakistani security commentator has stirred a heated debate at home after alleging in a televised discussion that Nur Khan Airbase, the strategically important air force station near Rawalpindi, is effectively run by the United States. According to the claim, access to parts of the base is so tightly restricted that even personnel from the Pakistan Army are not permitted to enter without American clearance.

The remarks spread quickly across social media in Pakistan and India, where clips of the programme were shared widely within hours. Neither the Pakistan Air Force nor the military's media wing had issued a detailed response by the time of publication, and the allegation could not be independently verified. Washington has not commented.

## Why Nur Khan matters

Nur Khan Airbase, formerly known as Chaklala, sits close to the army's General Headquarters and hosts the air force's transport and VIP fleets. Its proximity to the capital region makes it one of the most sensitive military installations in the country. The base drew attention in May 2025 when it was reported among the sites struck during the brief military confrontation between India and Pakistan.

Analysts note that claims about foreign control of Pakistani bases are not new. Similar allegations circulated in the years after 2001, when the United States used several Pakistani airfields for logistics during operations in Afghanistan. Those arrangements were wound down, and Islamabad has repeatedly said that no foreign power operates its military facilities.

> Claims of this kind tend to resurface whenever relations between Islamabad and Washington appear to warm, one regional security researcher observed.

Observers say the timing is notable. Pakistan has been seeking to repair ties with the United States, including on counter-terrorism cooperation and defence procurement, while maintaining its close strategic partnership with China. Critics of the government argue that any expanded American footprint would need parliamentary scrutiny, while supporters dismiss the comments as speculation aimed at television audiences.

For now, the episode illustrates how questions of sovereignty and air power remain politically charged in Pakistan, particularly after a year of heightened tension on its eastern border.`,
  },
  {
    title: 'Dassault, TATA Tie Up To Manufacture Rafale Fighter Jet Parts In India',
    section: 'india',
    publishedAt: '2025-06-06T11:15:00.000Z',
    excerpt:
      "Dassault Aviation and Tata Advanced Systems have agreed to build major fuselage sections of the Rafale fighter jet in India, a step officials describe as a boost for the country's aerospace supply chain.",
    tags: ['india', 'defence-industry', 'air-power'],
    featuredImage: {
      alt: 'Technicians working on the fuselage of a fighter jet inside an aircraft assembly hall',
      caption: 'Rafale Production',
      credit: ILLUSTRATION,
    },
    body: `French aircraft maker Dassault Aviation and Tata Advanced Systems Limited have signed agreements to manufacture key fuselage sections of the Rafale fighter jet in India, marking one of the most significant transfers of aerostructure work to an Indian company under the government's Make in India initiative.

Under the arrangement, a new production facility in Hyderabad is expected to build the rear fuselage, the central fuselage and the front section of the aircraft. Company officials said the first sections could roll off the line within a few years, with the plant eventually capable of producing complete fuselage assemblies at a steady monthly rate. The parts are intended for Dassault's global supply chain rather than only for Indian orders.

## A deeper industrial partnership

The deal builds on a long relationship between India and the Rafale programme. The Indian Air Force operates a fleet of the twin-engine fighters, and the Indian Navy has ordered a carrier-capable variant to fly from its aircraft carriers. Industry analysts note that local manufacturing of fuselage sections could lower lifecycle costs and shorten repair times for Indian operators.

For Tata, the agreement adds to a growing aerospace portfolio that already includes work on transport aircraft and helicopter components. Officials described the partnership as evidence that Indian firms can meet the quality and certification standards demanded by leading Western aircraft manufacturers.

> The move signals a shift from assembling imported kits to building primary structures at home, according to defence industry observers.

The announcement also comes as India weighs its next large fighter procurement. Dassault has long positioned the Rafale as a contender for the Indian Air Force's requirement for additional multirole aircraft, and a domestic supply base could strengthen that case. Analysts caution, however, that a final decision will depend on budgets, competing bids and the progress of India's own fighter programmes.

The facility is also expected to create skilled jobs and attract smaller suppliers to the Hyderabad aerospace cluster, which already hosts several international defence firms.`,
  },
  {
    title: 'BEL Completes Technological Upgrade Of THD-1955 Radar System',
    section: 'india',
    publishedAt: '2025-06-06T08:40:00.000Z',
    excerpt:
      'Bharat Electronics Limited says it has completed a technological upgrade of the THD-1955 air surveillance radar, extending the life of a system that has watched over Indian airspace for decades.',
    tags: ['india', 'radar', 'defence-industry'],
    featuredImage: {
      alt: 'A large air surveillance radar antenna mounted on a concrete tower against a clear sky',
      caption: 'THD-1955 Radar Upgrade',
      credit: ILLUSTRATION,
    },
    body: `Bharat Electronics Limited (BEL) has completed a technological upgrade of the THD-1955 radar system, the state-owned defence electronics company said, giving the Indian Air Force a modernised version of a long-range air surveillance radar that has been part of the country's air defence network for decades.

The THD-1955 is a high-power radar used to detect and track aircraft at long distances. Originally acquired from abroad, the system has been maintained in India for many years, but ageing components had made support increasingly difficult. According to the company, the upgrade replaces obsolete subsystems with indigenously developed electronics, including new signal and data processing units, a modern transmitter chain and updated operator displays.

## Keeping legacy radars relevant

Officials said the upgraded radar offers improved detection of small and low-flying targets, better resistance to electronic jamming and easier integration with the air force's networked command and control systems. Spare parts are now sourced domestically, which is expected to reduce downtime and maintenance costs.

Defence analysts note that upgrading proven radar platforms can be faster and cheaper than buying entirely new systems, particularly for fixed installations where the antenna structure remains sound. Such programmes also allow domestic firms to build expertise that can be applied to future radar designs.

The announcement fits into a wider push by India to localise critical defence technologies. BEL has supplied a range of surveillance, fire-control and weapon-locating radars to the armed forces in recent years, and the company has said it expects further orders for modernisation work on legacy equipment.

The project also comes amid heightened attention to air defence readiness along India's borders.`,
  },
  {
    title: 'NATO Allies Launch Large-Scale Naval Exercise In The Baltic Sea',
    section: 'europe',
    publishedAt: '2025-06-02T10:00:00.000Z',
    excerpt:
      'Warships, aircraft and marines from across the NATO alliance have begun an annual exercise in the Baltic Sea focused on sea control, mine clearance and the protection of undersea infrastructure.',
    tags: ['nato', 'naval-power', 'russia'],
    featuredImage: {
      alt: 'Frigates sailing in formation on a grey Baltic Sea under overcast skies',
      caption: 'NATO Baltic Exercise',
      credit: FILE_PHOTO,
    },
    body: `NATO allies have launched a large-scale naval exercise in the Baltic Sea, bringing together dozens of warships, submarines and maritime patrol aircraft along with several thousand personnel for more than two weeks of training. The annual drills focus on sea control, amphibious operations, mine countermeasures and air defence at sea.

With Finland and Sweden now members of the alliance, almost the entire Baltic coastline outside Russia belongs to NATO states. Planners have used that new geography to practise moving forces between ports in Germany, Poland, the Baltic states and the Nordic countries more quickly than before.

## Protecting what lies beneath

A major theme this year is the security of undersea cables and pipelines. Several incidents in recent months, in which data and power cables on the seabed were damaged, have prompted allies to step up surveillance of shipping in the region. During the exercise, crews are rehearsing how to detect suspicious vessel activity, deploy uncrewed underwater vehicles and coordinate a rapid response with coast guards and civilian operators.

Mine clearance also features heavily. The Baltic remains littered with munitions from past wars, and navies use the exercise to test new sonar systems and remotely operated vehicles in realistic conditions.

> The Baltic has shifted from a quiet backwater to one of the alliance's most closely watched maritime flanks, analysts note.

Russia, which bases its Baltic Fleet at Kaliningrad and near St Petersburg, has typically responded to such drills with its own naval activity and with criticism of what it describes as provocative manoeuvres. Alliance officials say the exercise is defensive and was scheduled well in advance.

For participating navies, the drills also offer a chance to test interoperability between older platforms and newly delivered ships, including frigates, corvettes and minehunters recently commissioned by several member states. Commanders said lessons from the exercise will feed into NATO's wider plans for reinforcing the region in a crisis.`,
  },
  {
    title: 'European Allies Pool Orders For Medium-Range Air-Defence Systems',
    section: 'europe',
    publishedAt: '2025-05-14T09:00:00.000Z',
    excerpt:
      'A group of European governments has agreed to pool orders for medium-range air-defence systems and interceptor missiles, aiming to cut delivery times and strengthen protection against drones, aircraft and cruise missiles.',
    tags: ['nato', 'missiles', 'defence-industry', 'radar'],
    featuredImage: {
      alt: 'Truck-mounted surface-to-air missile launchers lined up on a military training ground',
      caption: 'European Air Defence',
      credit: ILLUSTRATION,
    },
    body: `A group of European governments has agreed to pool their orders for ground-based air-defence systems, in one of the largest joint procurement efforts on the continent in recent years. The framework covers medium-range launchers, radars and interceptor missiles, and is intended to shorten delivery times by giving manufacturers longer production runs and more predictable demand.

Officials involved in the talks said the arrangement allows smaller countries to buy at the same prices and on the same delivery schedules as larger partners, while making it easier for armed forces to share training, spare parts and ammunition stocks. Several governments are expected to place firm orders later this year once national parliaments approve funding.

## Lessons from Ukraine

The push for stronger air defence has been driven in large part by the war in Ukraine, where sustained attacks by drones, cruise missiles and ballistic missiles have shown how quickly interceptor stocks can be depleted. European armies spent decades reducing ground-based air defence after the Cold War, and many now acknowledge that their current inventories would be insufficient in a prolonged conflict.

Analysts note that the challenge is not only buying launchers but sustaining a steady flow of missiles. Interceptors are expensive and complex to produce, and manufacturers have been expanding factories and signing long-term contracts with suppliers of rocket motors, seekers and electronics to increase output.

> Air defence is ultimately a numbers game: the side that runs out of interceptors first loses the initiative, as one European defence planner put it.

The initiative is designed to complement NATO's integrated air and missile defence system, with national batteries able to plug into alliance command networks and share radar data. Supporters argue that common equipment will make it easier to move units across borders and reinforce eastern allies at short notice. Critics, however, warn that joint purchasing can lead to disputes over which systems to select and where they are built. Some governments prefer to favour European manufacturers, while others prioritise proven systems that can be delivered quickly regardless of origin. Officials said the framework leaves room for several system types, provided they meet common standards for interoperability.

The agreement is also expected to strengthen the defence industry, with manufacturers reporting record order books and plans to hire thousands of additional engineers and production workers over the next few years. Several companies have announced new production lines for interceptors and radar components. Industry executives say long-term orders of this kind are what they need to justify such investments, after years in which demand rose and fell with short political cycles.`,
  },
  {
    title: 'Gulf States Move To Link Air-Defence Networks Against Drone And Missile Threats',
    section: 'middle-east',
    publishedAt: '2025-05-05T12:30:00.000Z',
    excerpt:
      'Gulf governments are working to connect their radar and air-defence networks, hoping a shared picture of the skies will improve warning times against drones, cruise missiles and ballistic missiles.',
    tags: ['middle-east-security', 'missiles', 'radar', 'air-power'],
    featuredImage: {
      alt: 'An air-defence radar and missile launcher positioned in the desert at sunset',
      caption: 'Gulf Air Defence',
      credit: ILLUSTRATION,
    },
    body: `Gulf states are moving to integrate their air-defence networks more closely, officials and analysts say, as the region confronts a growing threat from long-range drones, cruise missiles and ballistic missiles. The effort centres on sharing radar data and early-warning information so that an incoming threat detected in one country can be tracked and engaged by its neighbours.

The idea of an integrated regional air-defence architecture has been discussed for years, but progress has often been slowed by political rivalries, concerns about sharing sensitive data and the use of incompatible equipment. Recent attacks on energy infrastructure and shipping, along with large missile and drone salvos launched across the region, have added urgency to the discussions.

## From national shields to a shared picture

Most Gulf states already operate advanced systems, including long-range interceptors and point-defence guns. What they lack, analysts note, is a common operating picture that fuses data from radars, airborne early-warning aircraft and satellites across national borders. Without it, each country sees only part of a threat that may travel more than a thousand kilometres.

Officials said technical working groups are focusing on secure data links, common procedures and joint exercises. Some governments are also investing in lower-cost interceptors and electronic warfare systems to counter cheap drones, which can be expensive to shoot down with conventional surface-to-air missiles.

> Shooting down a drone worth a few thousand dollars with a missile costing millions is not a sustainable model, a Gulf-based defence analyst said.

The United States has encouraged closer cooperation through its regional military command, and several Gulf air forces have taken part in recent exercises focused on air and missile defence. Still, observers caution that full integration will take years and require a level of political trust that has not always existed in the region.

For now, the emphasis is on incremental steps: linking sensors, training together and agreeing on how to respond when a threat crosses several airspaces within minutes.`,
  },
  {
    title: 'Indian Navy Conducts Successful Anti-Ship Missile Test To Demonstrate Combat Readiness',
    section: 'india',
    publishedAt: '2025-04-28T10:45:00.000Z',
    excerpt:
      'Indian Navy warships have carried out a series of successful anti-ship missile firings, which officials describe as a demonstration of long-range precision strike capability and combat readiness.',
    tags: ['india', 'naval-power', 'missiles'],
    featuredImage: {
      alt: 'A missile launching from the deck of a grey naval destroyer at sea',
      caption: 'Indian Navy Missile Firing',
      credit: FILE_PHOTO,
    },
    body: `The Indian Navy has conducted a series of successful anti-ship missile firings from its frontline warships, officials said, describing the exercise as a demonstration of the fleet's readiness to undertake long-range precision strikes at sea. The tests took place in the Arabian Sea, with missiles launched against designated targets at extended ranges.

According to the navy, guided-missile destroyers and frigates took part in the drills, validating the performance of their weapon systems, crews and platforms. Images released by officials showed missiles leaving vertical launch cells and streaking towards the horizon. The navy said the firings confirmed the ships' ability to engage surface targets decisively.

## Timing and signalling

The tests came at a time of heightened tension in the region following a deadly militant attack in Jammu and Kashmir earlier in the month. While the navy framed the firings as routine readiness drills, analysts note that the timing and the public release of images carried a clear strategic message about India's maritime strike capability.

India has steadily expanded its arsenal of ship-launched missiles in recent years, including variants of the BrahMos supersonic cruise missile developed with Russia, which is now carried by most major surface combatants. Indigenous shipbuilding programmes have also delivered new destroyers and stealth frigates equipped with vertical launch systems.

> A navy that can show its missiles work on demand sends a stronger message than one that simply displays them, maritime security observers point out.

Naval officials said the service remains prepared to protect India's maritime interests across the Indian Ocean, including the sea lanes that carry a large share of the country's trade and energy imports. Further exercises are expected in the coming months as the fleet continues its operational training cycle.`,
  },
  {
    title: 'US Navy Budget Request Puts Submarines And Shipyard Capacity At Centre Of Shipbuilding Plan',
    section: 'north-america',
    publishedAt: '2025-04-10T15:00:00.000Z',
    excerpt:
      "The US Navy's latest shipbuilding request puts submarines and shipyard capacity at the centre of its plans, as lawmakers question whether the fleet can grow fast enough to keep pace with China.",
    tags: ['united-states', 'naval-power', 'defence-industry', 'china'],
    featuredImage: {
      alt: 'A submarine hull under construction inside a covered shipyard hall',
      caption: 'US Navy Shipbuilding',
      credit: ILLUSTRATION,
    },
    body: `The US Navy's latest budget request places submarines and shipyard capacity at the centre of its shipbuilding plans, according to officials and documents submitted to Congress, as the service struggles to grow a fleet that many lawmakers argue is too small for the demands placed on it.

The request funds construction of attack submarines and continued work on the Columbia-class ballistic missile submarines, which the Navy regards as its top acquisition priority because they will carry the sea-based leg of the nuclear deterrent. It also includes money for destroyers, amphibious ships and support vessels, although the total number of new ships is lower than many members of Congress had hoped.

## Shipyards under strain

Navy leaders have acknowledged that the biggest constraint is not money alone but industrial capacity. Several major programmes are running behind schedule, with delays blamed on workforce shortages, supply chain disruptions and design changes. The Constellation-class frigate, intended to provide a more affordable surface combatant, has faced particular scrutiny after significant delays to the lead ship.

To address the problem, the budget includes funding for the submarine industrial base, covering workforce training, supplier development and infrastructure improvements at public and private yards. Officials said these investments are essential if the Navy is to reach its goal of building two Virginia-class attack submarines a year alongside the Columbia programme.

> The United States can no longer take for granted that it can out-build its competitors at sea, analysts at several Washington think tanks have warned.

Comparisons with China loom large in the debate. China's navy is already the world's largest by number of ships, and its commercial shipbuilding sector gives it enormous capacity to expand further. US officials argue that American warships remain more capable individually, but concede that numbers matter in a long conflict.

Lawmakers from both parties have signalled that they may add ships to the request during the appropriations process, a pattern seen in previous years. Some have also proposed measures to revive commercial shipbuilding in the United States and to allow repairs of Navy vessels at allied shipyards in Asia, which could free up domestic capacity for new construction. The debate is likely to continue through the summer as congressional committees mark up their versions of the annual defence bills.`,
  },
  {
    title: 'Naval Escorts Expanded As Red Sea Shipping Attacks Keep Insurers On Edge',
    section: 'middle-east',
    publishedAt: '2025-03-18T08:15:00.000Z',
    excerpt:
      'Naval forces have expanded escort operations in the Red Sea and Gulf of Aden, but shipping companies remain wary of returning to the Suez route while the threat of missile and drone attacks persists.',
    tags: ['middle-east-security', 'naval-power', 'missiles'],
    featuredImage: {
      alt: 'A warship sailing alongside a large container ship in calm waters',
      caption: 'Red Sea Shipping Security',
      credit: ILLUSTRATION,
    },
    body: `Naval forces operating in the Red Sea and Gulf of Aden have expanded escort and patrol operations to protect commercial shipping, but major container lines remain reluctant to return to the Suez Canal route, with many still diverting vessels around the Cape of Good Hope.

Since late 2023, Houthi forces in Yemen have launched missiles and drones at merchant ships and warships in the region, describing the attacks as a response to the war in Gaza. Several vessels have been struck, one was seized and at least two have sunk. The campaign has caused a sharp drop in traffic through the Bab el-Mandeb Strait, one of the world's most important maritime chokepoints.

## Escorts and interceptions

Warships from European navies and the United States have intercepted numerous missiles and drones over the past year, often using expensive surface-to-air missiles against relatively cheap threats. Officials said escort missions have been adjusted to cover more vessels, with closer coordination between naval task forces and commercial operators through maritime security reporting centres.

Analysts note that naval protection can reduce risk but cannot eliminate it. The geography of the southern Red Sea leaves ships within range of launch sites on the Yemeni coast, and the attackers have shown an ability to adapt their tactics.

> For shipping companies, the question is not whether escorts work but whether the remaining risk is acceptable to crews, cargo owners and insurers, maritime security consultants say.

War-risk insurance premiums for Red Sea transits remain far above pre-crisis levels, and the longer voyages around Africa have added time and fuel costs to global supply chains. Egypt has seen a steep fall in Suez Canal revenues as a result.

Some operators have tested a limited return to the route during quieter periods, but most say they need a sustained reduction in attacks before committing regular services. Naval commanders said they expect the mission to continue for the foreseeable future, with the security of energy shipments and container traffic through the region a continuing priority.`,
  },
  {
    title: 'Canada Steps Up Arctic Patrols As Northern Shipping Routes Open Up',
    section: 'north-america',
    publishedAt: '2025-02-20T16:00:00.000Z',
    excerpt:
      'Canada is increasing naval and air patrols in its Arctic waters as retreating sea ice opens northern routes to more traffic and allies pay closer attention to the High North.',
    tags: ['nato', 'naval-power', 'air-power', 'radar'],
    featuredImage: {
      alt: 'A grey patrol ship moving through broken sea ice beneath snow-covered hills',
      caption: 'Canadian Arctic Patrol',
      credit: FILE_PHOTO,
    },
    body: `Canada is stepping up naval and air patrols across its Arctic waters as retreating sea ice opens northern shipping routes for longer periods each year and the region attracts growing strategic attention from allies and rivals alike.

The Royal Canadian Navy has expanded deployments of its Harry DeWolf-class Arctic and offshore patrol ships, which are designed to operate in first-year ice and support missions ranging from sovereignty patrols to search and rescue. Officials said the vessels are spending more time in the Northwest Passage and the waters of the Canadian Arctic Archipelago during the navigable season.

## Watching the High North

Defence planners point to increased activity by foreign research vessels, fishing fleets and military ships in and near the Arctic. Russia has reopened a number of Soviet-era military bases along its northern coast, while China describes itself as a near-Arctic state and has sent research icebreakers into the region. Canada's allies in NATO have also been increasing their presence in the High North.

The government has pledged investments in modernising NORAD, the binational air defence command shared with the United States, including new over-the-horizon radars and upgraded infrastructure at northern airfields to support fighter aircraft operations. Plans to acquire new submarines capable of operating under ice have also been discussed.

> Sovereignty in the Arctic is exercised by being present, not by drawing lines on a map, as Canadian defence commentators often put it.

Analysts note that the vast distances, harsh weather and limited infrastructure make Arctic operations expensive and demanding. Many northern communities lack deep-water ports and long runways, and the navy's Arctic refuelling facility at Nanisivik has faced years of construction delays.

Officials said the stepped-up patrols will also involve closer cooperation with Indigenous communities and the Canadian Rangers, whose local knowledge remains essential for operating safely in the region.`,
  },
  {
    title: "Russia's Gazprom Halts Gas Transit Through Ukraine as Transit Deal Expires",
    section: 'russia-ukraine-war',
    publishedAt: '2025-01-02T09:00:00.000Z',
    excerpt:
      "Russian gas supplies to Europe via Ukraine stopped on New Year's Day after a five-year transit agreement between Gazprom and Ukraine's Naftogaz expired without renewal.",
    tags: ['russia', 'ukraine', 'energy'],
    featuredImage: {
      alt: 'Large gas pipelines and valves at a compressor station covered in frost',
      caption: 'Gas Transit Ends',
      credit: FILE_PHOTO,
    },
    body: `Russian natural gas flows to Europe through Ukraine came to a halt on New Year's Day after a five-year transit agreement between Russia's Gazprom and Ukraine's state energy company Naftogaz expired, ending a route that had carried Soviet and then Russian gas westward for decades.

Gazprom said it had been deprived of the technical and legal ability to continue supplies through Ukraine after Kyiv declined to extend the deal. Ukrainian officials had said for months that they would not renew the arrangement while the war continued, arguing that transit fees paid to Ukraine were far outweighed by the revenue Russia earned from gas sales that helped fund its military campaign.

## Who is affected

The halt mainly affects a handful of Central European countries that still depended on gas arriving via Ukraine, including Slovakia and Austria, as well as Moldova and the separatist region of Transnistria. The TurkStream pipeline under the Black Sea now remains the only route for Russian pipeline gas into the European Union.

European Commission officials said the bloc had prepared for the end of transit and that alternative supplies, including liquefied natural gas and flows from Norway, were sufficient to meet demand. Gas storage levels were relatively high going into winter, although prices rose modestly in the days before the deadline. Slovakia's government reacted angrily, warning of higher costs and accusing Kyiv of harming the interests of EU members. Analysts note that the country faces higher fees for gas delivered via alternative routes.

> The end of transit through Ukraine closes a chapter that began in the Soviet era and marks a further step in Europe's energy separation from Russia, energy analysts say.

Moldova, which had relied on the route to supply the power plant in Transnistria, had already declared a state of emergency in its energy sector, and the breakaway region faced severe shortages of heating and electricity.

For Russia, the loss of the route means a further drop in revenue from European gas exports, which have fallen sharply since the full-scale invasion of Ukraine in 2022. For Ukraine, the decision removes a source of transit income but is seen by officials as a strategic choice to reduce Moscow's leverage over Europe.`,
  },
  {
    title: "No One Can Ever Stop China's Reunification With Taiwan: Xi Jinping",
    section: 'asia-pacific',
    publishedAt: '2025-01-01T13:10:00.000Z',
    excerpt:
      "In his New Year address, Chinese President Xi Jinping said no one can stop China's reunification with Taiwan, restating Beijing's position as military pressure across the Taiwan Strait remains high.",
    tags: ['china', 'taiwan', 'pla', 'diplomacy', 'united-states'],
    featuredImage: {
      alt: 'A coast guard vessel patrolling the Taiwan Strait with a distant coastline on the horizon',
      caption: 'Taiwan Strait Tensions',
      credit: ILLUSTRATION,
    },
    body: `Chinese President Xi Jinping used his New Year address to reaffirm that no one can ever stop what Beijing calls the reunification of China and Taiwan, restating one of the Chinese leadership's core political goals as military and diplomatic pressure across the Taiwan Strait continues to build.

In the televised speech, Xi described people on both sides of the Taiwan Strait as one family and said the historical trend towards reunification could not be halted. The remarks echoed language he has used in previous years, although analysts note that the message carried added weight after a year of intensive military activity around the island.

## Pressure around the island

The People's Liberation Army (PLA) staged two large-scale exercises around Taiwan in 2024, deploying warships, fighter aircraft and coast guard vessels in drills that Beijing described as a warning to separatist forces. Taiwan's defence ministry has reported Chinese military aircraft and ships operating near the island almost daily, often crossing the median line of the Taiwan Strait.

Taiwan's government rejects Beijing's claim of sovereignty, saying that only the island's 23 million people can decide its future. Officials in Taipei have consistently responded to such statements by urging Beijing to pursue dialogue rather than military intimidation.

> Beijing's language on reunification rarely changes; what changes is the military capability it can bring to bear, as one Taipei-based analyst summarised.

The United States, which maintains unofficial ties with Taiwan and is bound by law to help provide the island with the means to defend itself, has repeatedly urged restraint and said it opposes any unilateral change to the status quo. Recent US arms sales to Taiwan have drawn sharp protests from Beijing.

Observers say the coming year could test the cross-strait relationship further, with a new administration taking office in Washington and continued debate in Taiwan over defence spending and military reform. For now, Beijing's message remains that reunification is inevitable, while Taipei insists that its democratic system and way of life are not negotiable.`,
  },
  {
    title: 'China Stuns The World With Barrage of Next-Gen Military Aircraft',
    section: 'asia-pacific',
    publishedAt: '2025-01-01T07:45:00.000Z',
    excerpt:
      'Images of several previously unseen military aircraft flying over China have drawn intense attention from analysts, who say they may represent a new generation of stealth combat jets.',
    tags: ['china', 'pla', 'air-power', 'stealth', 'united-states'],
    featuredImage: {
      alt: 'A tailless stealth aircraft silhouetted against a pale winter sky',
      caption: 'Next-Gen Chinese Aircraft',
      credit: ILLUSTRATION,
    },
    body: `China has drawn global attention after images and videos circulated online showing several previously unseen military aircraft in flight, including what analysts believe could be prototypes of next-generation stealth combat jets. The sightings, which emerged in the final days of 2024, have prompted intense debate among defence observers about the pace of China's aerospace development.

The largest of the aircraft appears to be a tailless, three-engine design with a broad, flying-wing-like planform, photographed alongside a J-20 stealth fighter that seemed to be acting as a chase plane. A second, smaller tailless aircraft was photographed at a different location. Neither Beijing nor the People's Liberation Army (PLA) has officially confirmed the designations or roles of the new types.

## A statement of intent

Analysts note that the absence of vertical tail fins suggests a strong emphasis on stealth across a wide range of radar frequencies. The size of the larger aircraft has led to speculation that it could be intended for long-range strike or air superiority missions deep into contested airspace, potentially carrying a large internal weapons load and extensive sensors.

The appearance of more than one new type within days has been interpreted as a deliberate signal. Chinese aerospace firms have previously used carefully timed public sightings to showcase progress, and the latest flights came on a date of symbolic significance in China.

> Whatever their final designations, the aircraft suggest that China is no longer simply catching up in military aviation, observers say.

In the United States, the sightings have added urgency to debates over the future of American sixth-generation fighter programmes, including the Air Force's Next Generation Air Dominance effort and the Navy's F/A-XX project, both of which have faced budget and schedule questions in Washington.

Experts caution that a first flight is only the beginning of a long development process, and that it may take years before any of the new aircraft enter service in significant numbers. Still, the images have reinforced the view that the balance of air power in the Asia-Pacific is shifting quickly.`,
  },
  {
    title: 'China Deploys New KJ-3000 AWACS To Neutralize Stealth Capacities of US Stealth Fighters',
    section: 'asia-pacific',
    publishedAt: '2024-12-29T10:20:00.000Z',
    excerpt:
      'China is reported to be testing a new KJ-3000 airborne early warning and control aircraft, which analysts say is designed to help the PLA detect and track US stealth fighters at long range.',
    tags: ['china', 'pla', 'air-power', 'stealth', 'radar'],
    featuredImage: {
      alt: 'A large four-engine aircraft with a circular radar dome mounted above its fuselage',
      caption: 'KJ-3000 AWACS',
      credit: ILLUSTRATION,
    },
    body: `China has reportedly begun flight testing a new airborne early warning and control (AWACS) aircraft, widely identified as the KJ-3000, which analysts believe is intended to help the People's Liberation Army (PLA) detect and track low-observable targets such as US stealth fighters at greater distances.

Images shared on Chinese social media show a large four-engine aircraft based on the Y-20 strategic transport, carrying a fixed circular radome above its fuselage. Unlike older rotating radar designs, the radome is thought to house active electronically scanned array panels providing continuous 360-degree coverage. Beijing has not formally confirmed the aircraft's designation or capabilities.

## Targeting the stealth advantage

Stealth fighters such as the F-22 and F-35 are designed to minimise their radar signature, particularly against the high-frequency radars used by fighter aircraft and surface-to-air missile systems. Some analysts suggest that a large airborne radar operating at different frequencies, combined with advanced signal processing, could detect such aircraft at useful ranges, giving Chinese commanders earlier warning and cueing for their own fighters.

The KJ-3000 would also extend the reach of China's airborne surveillance network far beyond its coastline. Its larger airframe could offer greater endurance, more operator stations and room for future upgrades compared with the existing KJ-2000 and KJ-500 fleets.

> The real value of an aircraft like this lies in how it connects sensors and shooters across a wide area, rather than in the radar alone, analysts point out.

The development comes as China continues to expand its fleet of J-20 stealth fighters and tests new combat aircraft designs. Observers say a capable AWACS fleet is essential if the PLA intends to operate further from its shores, including over the western Pacific and around Taiwan.

Officials in the United States and allied capitals are likely to follow the programme closely, particularly for clues about the radar's frequency bands and its ability to share targeting data with long-range missile systems.`,
  },
  {
    title: "China's 6th Generation Fighter Jet Takes First Flight",
    section: 'asia-pacific',
    publishedAt: '2024-12-28T14:00:00.000Z',
    excerpt:
      'Footage circulating online appears to show a Chinese sixth-generation fighter jet prototype in flight, which would make China the first country to publicly fly an aircraft of this class.',
    tags: ['china', 'pla', 'air-power', 'stealth'],
    featuredImage: {
      alt: 'A tailless diamond-winged fighter prototype flying low over a city skyline',
      caption: 'Sixth-Generation Fighter',
      credit: ILLUSTRATION,
    },
    body: `A prototype of what analysts describe as China's first sixth-generation fighter jet appears to have taken to the air, according to photographs and video clips that spread rapidly across social media this week. If confirmed, the flight would make China the first country to publicly demonstrate an aircraft of this class.

The aircraft, filmed in daylight over the city of Chengdu, features a tailless design with a diamond-shaped wing, an arrangement intended to reduce its radar signature from every angle. Observers pointed to what appear to be three engine intakes, an unusual configuration that could provide more power for long-range cruise and for the electrical demands of advanced sensors and weapons.

## What makes it sixth generation

There is no fixed definition of a sixth-generation fighter, but the term is generally used for aircraft that combine all-aspect stealth with long range, powerful onboard computing, advanced networking and the ability to command uncrewed drones flying alongside them. Analysts note that such aircraft are designed to operate as the hub of a wider combat system rather than as standalone platforms.

China's defence ministry has not commented on the flight, and official details about the programme remain scarce. Chinese state media has in the past hinted at work on next-generation aircraft without providing specifics.

> A first flight reveals intent and progress, not operational capability, and there is still a long road ahead, aviation analysts caution.

The development puts pressure on the United States, where the Air Force paused a final decision on its own next-generation fighter earlier this year while it reviewed costs. For the PLA Air Force, a successful programme would further strengthen its position in the Asia-Pacific, where it already operates the largest fleet of stealth fighters outside the United States.`,
  },
  {
    title: 'Philippines To Acquire U.S. Typhon Missile System',
    section: 'asia-pacific',
    publishedAt: '2024-12-24T09:30:00.000Z',
    excerpt:
      'The Philippine Army says it plans to acquire the U.S. Typhon mid-range missile system, a move likely to draw objections from China amid tensions in the South China Sea.',
    tags: ['philippines', 'united-states', 'missiles', 'china'],
    featuredImage: {
      alt: 'A ground-based missile launcher on a truck parked at a coastal airfield',
      caption: 'Typhon Missile System',
      credit: FILE_PHOTO,
    },
    body: `The Philippines plans to acquire the U.S. Typhon mid-range missile system, the Philippine Army has said, a decision that would give Manila a significant long-range strike capability and is likely to deepen tensions with China over the South China Sea.

The Typhon system, developed for the US Army, is a ground-based launcher capable of firing Tomahawk cruise missiles and SM-6 multi-purpose missiles. The United States first deployed a Typhon battery to the northern Philippines in April 2024 for joint exercises, and the system has remained in the country since then, despite repeated calls from Beijing for its withdrawal.

## Deterrence at sea

Philippine officials said acquiring the missiles is part of an effort to strengthen territorial defence and protect the country's maritime interests. The Philippines has faced a series of confrontations with Chinese coast guard and maritime militia vessels near disputed features, including Second Thomas Shoal and Scarborough Shoal, during which water cannon have been used against Philippine boats.

Analysts note that a Typhon battery on Philippine soil could hold at risk naval vessels and bases across a wide area, complicating Chinese military planning. China has described the deployment of such missiles as destabilising and warned that it could trigger an arms race in the region.

> For Manila, the message is less about offence than about raising the cost of coercion, regional security analysts say.

Questions remain about cost and timing. Typhon is an expensive system, and the Philippines would need funding, training and support from Washington to operate it. Officials said any acquisition would go through normal procurement processes and could take several years.

The move comes amid a broader expansion of defence cooperation between the Philippines and the United States, including wider access for US forces to Philippine bases under the two countries' Enhanced Defense Cooperation Agreement.`,
  },
  {
    title: 'China Refurbishes Its First Aircraft Carrier Liaoning For Streamlined Ordnance Deliveries; Satellite Images Reveals',
    section: 'asia-pacific',
    publishedAt: '2024-12-22T11:00:00.000Z',
    excerpt:
      "Satellite images suggest China's first aircraft carrier, the Liaoning, has undergone a refurbishment that includes changes designed to speed up the movement of ordnance to its flight deck.",
    tags: ['china', 'pla', 'naval-power', 'aircraft-carriers'],
    featuredImage: {
      alt: 'Overhead satellite-style view of an aircraft carrier moored beside a shipyard quay',
      caption: 'Liaoning Refurbishment',
      credit: ILLUSTRATION,
    },
    body: `China's first aircraft carrier, the Liaoning, appears to have been refurbished with modifications aimed at streamlining the delivery of ordnance to its flight deck, according to analysts who have examined recent commercial satellite images of the ship.

The images, taken at the Dalian shipyard where the carrier underwent an extended maintenance period, show alterations to the flight deck and the area around the island superstructure. Analysts believe the changes include new or relocated weapons elevators, which would allow bombs and missiles to be moved from magazines below deck to waiting aircraft more quickly during flight operations.

## Faster sortie generation

The speed at which a carrier can arm and launch aircraft, known as the sortie generation rate, is one of the most important measures of its combat effectiveness. Naval analysts note that bottlenecks in moving munitions to the deck can limit how many J-15 fighter jets the ship can send into the air during intensive operations.

The Liaoning began life as the unfinished Soviet carrier Varyag, which China bought from Ukraine and rebuilt before commissioning it in 2012. It has since served mainly as a training and trials platform, helping the People's Liberation Army Navy develop the skills needed for carrier aviation. China has since commissioned a second carrier, the Shandong, and launched a third, the larger Fujian, which is fitted with electromagnetic catapults.

> The refit suggests Beijing still sees an operational role for its oldest carrier rather than treating it purely as a training ship, observers say.

The upgraded Liaoning is expected to return to sea for trials before resuming exercises in the western Pacific. The refurbishment means the PLA could have three carriers available in the coming years, a significant expansion of China's naval power.`,
  },
  {
    title: 'China working on resumption of dialogue with US: Report',
    section: 'asia-pacific',
    publishedAt: '2022-12-16T09:30:00.000Z',
    coAuthored: true,
    correction: {
      kind: 'correction',
      text: 'An earlier version of this article said the two leaders met in Jakarta. They met in Bali.',
      at: '2022-12-16T14:05:00.000Z',
    },
    excerpt:
      'China is working towards resuming dialogue with the United States in several areas suspended earlier this year, according to a report, after the first in-person meeting between the two leaders in Bali.',
    tags: ['china', 'united-states', 'diplomacy', 'taiwan'],
    featuredImage: {
      alt: 'The national flags of China and the United States standing side by side on a conference table',
      caption: 'US China Relations',
      credit: ILLUSTRATION,
    },
    body: `China is working on resuming dialogue with the United States in a number of areas that were suspended earlier this year, according to a report, as Beijing and Washington seek to stabilise relations after a period of deep tension.

The report said Chinese officials were preparing for talks on issues including climate change, trade and people-to-people exchanges, and that working-level contacts between the two governments had already increased. Beijing froze several channels of communication with Washington in August, including some military-to-military talks, after a visit to Taiwan by the Speaker of the US House of Representatives.

## A thaw after Bali

The shift follows the meeting between Chinese President Xi Jinping and US President Joe Biden on the sidelines of the G20 summit in Bali in November, their first face-to-face talks since Biden took office. Both sides said afterwards that senior officials would maintain communication and explore areas of potential cooperation. A visit to Beijing by the US Secretary of State was expected early next year.

Analysts note that restoring dialogue does not mean the underlying disputes have been resolved. Differences over Taiwan, export controls on advanced semiconductors, human rights and the South China Sea remain sharp. The People's Liberation Army (PLA) continues to conduct regular military activity around Taiwan, including flights by fighter aircraft and naval drills near the Taiwan Strait.

> Talking does not solve the rivalry, but not talking makes accidents far more dangerous, as one Washington-based China specialist put it.

Military communication is a particular concern for the United States. American officials have repeatedly warned about unsafe intercepts of US aircraft by PLA fighter jets over the South China Sea, and have urged Beijing to restore defence hotlines to reduce the risk of miscalculation. Chinese officials, for their part, accuse Washington of provocations near China's coast.

The coming months will test whether the two powers can turn the diplomatic momentum from Bali into concrete agreements. For China, steadier ties with the United States could also ease pressure on an economy weighed down by strict pandemic controls.`,
  },
]

/** The front page's curated block: the lead story pinned first, the rest the newest articles. */
export const demoTopStories = {
  slug: 'top-stories',
  name: 'Top Stories',
  description: 'The lead story, then the latest from every section.',
  size: 6,
  rule: 'latest' as const,
  pinned: [{ slot: 1, title: 'NATO Allies Launch Large-Scale Naval Exercise In The Baltic Sea' }],
}
