/** Word pools for the benchmark data generator: defence-news vocabulary plus everyday English. */
export const COUNTRIES = [
  'China', 'India', 'Pakistan', 'Russia', 'Ukraine', 'Japan', 'Taiwan', 'Philippines', 'Australia', 'France', 'Germany', 'Poland',
  'Turkey', 'Israel', 'Iran', 'Saudi Arabia', 'Egypt', 'Canada', 'Mexico', 'Brazil', 'South Korea', 'North Korea', 'Vietnam',
  'Indonesia', 'Finland', 'Sweden', 'Norway', 'Greece', 'Italy', 'Spain', 'the United States', 'the United Kingdom', 'NATO',
  'the European Union', 'Bangladesh', 'Sri Lanka', 'Nepal', 'Singapore', 'Malaysia', 'Thailand',
]

export const SYSTEMS = [
  'fighter jet', 'stealth fighter', 'drone', 'submarine', 'aircraft carrier', 'frigate', 'destroyer', 'corvette', 'missile',
  'cruise missile', 'ballistic missile', 'hypersonic missile', 'air defence system', 'radar', 'satellite', 'tank', 'howitzer',
  'rocket launcher', 'helicopter', 'transport aircraft', 'tanker aircraft', 'early warning aircraft', 'patrol vessel',
  'amphibious ship', 'armoured vehicle', 'torpedo', 'electronic warfare suite', 'loitering munition', 'interceptor', 'sonar',
]

export const VERBS = [
  'Tests', 'Deploys', 'Unveils', 'Orders', 'Buys', 'Upgrades', 'Retires', 'Builds', 'Exports', 'Delivers', 'Inducts', 'Launches',
  'Commissions', 'Modernises', 'Showcases', 'Evaluates', 'Cancels', 'Expands', 'Signs Deal For', 'Fields',
]

export const ADJECTIVES = [
  'new', 'next-generation', 'indigenous', 'advanced', 'long-range', 'medium-range', 'upgraded', 'experimental', 'modernised',
  'autonomous', 'unmanned', 'heavy', 'light', 'naval', 'mobile', 'coastal', 'strategic', 'tactical', 'stealthy', 'supersonic',
]

export const PLACES = [
  'the South China Sea', 'the Taiwan Strait', 'the Indian Ocean', 'the Baltic Sea', 'the Black Sea', 'the Red Sea', 'the Arctic',
  'the Himalayas', 'the Pacific', 'the Persian Gulf', 'the Mediterranean', 'the Sea of Japan', 'the Line of Control', 'the Sahel',
  'Eastern Europe', 'the Korean Peninsula', 'the Strait of Hormuz', 'the Bay of Bengal', 'the North Atlantic', 'Central Asia',
]

export const DEFENCE_WORDS = [
  'army', 'navy', 'air force', 'defence', 'ministry', 'officials', 'analysts', 'exercise', 'drill', 'deployment', 'procurement',
  'contract', 'budget', 'alliance', 'deterrence', 'readiness', 'capability', 'squadron', 'battalion', 'fleet', 'brigade',
  'warship', 'airbase', 'border', 'ceasefire', 'sanctions', 'treaty', 'summit', 'doctrine', 'modernisation', 'industry',
  'shipyard', 'manufacturer', 'prototype', 'trials', 'test firing', 'interception', 'surveillance', 'reconnaissance', 'patrol',
  'command', 'logistics', 'ammunition', 'artillery', 'infantry', 'special forces', 'cyber', 'space', 'satellite imagery',
  'intelligence', 'escalation', 'tensions', 'diplomacy', 'negotiations', 'security', 'partnership', 'joint venture', 'export',
  'offset', 'technology transfer', 'propulsion', 'sensor', 'payload', 'range', 'warhead', 'launcher', 'radar cross-section',
  'stealth', 'avionics', 'engine', 'airframe', 'hull', 'crew', 'pilots', 'sailors', 'soldiers', 'veterans', 'parliament',
]

export const COMMON_WORDS = [
  'the', 'of', 'and', 'to', 'in', 'a', 'is', 'that', 'for', 'it', 'as', 'was', 'with', 'be', 'by', 'on', 'not', 'he', 'this',
  'are', 'or', 'his', 'from', 'at', 'which', 'but', 'have', 'an', 'had', 'they', 'you', 'were', 'their', 'one', 'all', 'we',
  'can', 'her', 'has', 'there', 'been', 'if', 'more', 'when', 'will', 'would', 'who', 'so', 'no', 'year', 'also', 'new', 'after',
  'first', 'two', 'over', 'said', 'could', 'time', 'into', 'than', 'only', 'other', 'its', 'some', 'what', 'about', 'them',
  'may', 'most', 'these', 'because', 'while', 'since', 'such', 'further', 'several', 'country', 'government', 'plan', 'report',
  'week', 'month', 'program', 'system', 'force', 'forces', 'region', 'regional', 'military', 'strategic', 'major', 'senior',
  'statement', 'according', 'expected', 'announced', 'confirmed', 'reported', 'described', 'including', 'following', 'during',
  'against', 'between', 'without', 'under', 'across', 'before', 'despite', 'however', 'meanwhile', 'although', 'earlier',
  'later', 'next', 'last', 'recent', 'current', 'future', 'public', 'private', 'national', 'international', 'local', 'global',
  'economic', 'political', 'significant', 'important', 'possible', 'likely', 'long', 'short', 'large', 'small', 'high', 'low',
  'part', 'number', 'group', 'people', 'work', 'world', 'way', 'day', 'state', 'states', 'point', 'case', 'fact', 'question',
]
