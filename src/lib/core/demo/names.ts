// Word lists of the demo company, Himal Electronics: Nepali and international names, sales regions and cities, the product catalogue.

export const companyName = 'Himal Electronics';
export const companyDomain = 'himalelectronics.com.np';
export const currency = 'NPR';

export const nepaliMaleFirst = [
  'Aarav', 'Abhishek', 'Amit', 'Anil', 'Arjun', 'Ashish', 'Bibek', 'Bijay', 'Bikash', 'Binod', 'Bishal', 'Deepak', 'Dinesh',
  'Dipendra', 'Ganesh', 'Gopal', 'Hari', 'Kiran', 'Krishna', 'Kumar', 'Madan', 'Mahesh', 'Manish', 'Milan', 'Nabin',
  'Niraj', 'Prabin', 'Prakash', 'Pramod', 'Rabin', 'Rajan', 'Rajesh', 'Ram', 'Ramesh', 'Roshan', 'Sagar', 'Sajan',
  'Sandeep', 'Sanjay', 'Santosh', 'Saroj', 'Shankar', 'Shyam', 'Subash', 'Sudip', 'Sujan', 'Suman', 'Sunil', 'Suraj',
  'Suresh', 'Tek', 'Ujjwal', 'Umesh', 'Yubaraj', 'Pasang', 'Tenzing', 'Nima', 'Dawa', 'Lhakpa', 'Bimal'
] as const;

export const nepaliFemaleFirst = [
  'Aasha', 'Alisha', 'Anjali', 'Anita', 'Asmita', 'Bandana', 'Bimala', 'Binita', 'Deepa', 'Durga', 'Gita', 'Januka',
  'Kabita', 'Kalpana', 'Kamala', 'Laxmi', 'Manisha', 'Menuka', 'Nirmala', 'Nisha', 'Pooja', 'Pratima', 'Priya',
  'Puja', 'Rachana', 'Radha', 'Rekha', 'Rina', 'Rita', 'Sabina', 'Samjhana', 'Sangita', 'Sarita', 'Shanti', 'Shova',
  'Sita', 'Smriti', 'Sunita', 'Sushma', 'Srijana', 'Sristi', 'Sujata', 'Tara', 'Usha', 'Yamuna', 'Pema', 'Dolma',
  'Ang', 'Karishma', 'Prerana'
] as const;

export const nepaliLast = [
  'Acharya', 'Adhikari', 'Aryal', 'Basnet', 'Bajracharya', 'Bhandari', 'Bhattarai', 'Bista', 'Budha', 'Chaudhary',
  'Dahal', 'Dhakal', 'Ghimire', 'Giri', 'Gurung', 'Jha', 'Joshi', 'Karki', 'Karmacharya', 'KC', 'Khadka', 'Koirala',
  'Lama', 'Limbu', 'Magar', 'Mahato', 'Maharjan', 'Malla', 'Manandhar', 'Mishra', 'Neupane', 'Oli', 'Pandey',
  'Poudel', 'Pokharel', 'Pradhan', 'Rai', 'Rana', 'Rawal', 'Regmi', 'Shah', 'Shakya', 'Sharma', 'Sherpa', 'Shrestha',
  'Singh', 'Subedi', 'Tamang', 'Thakuri', 'Thapa', 'Tharu', 'Tuladhar', 'Yadav', 'Sapkota', 'Timilsina', 'Khanal',
  'Lamichhane', 'Paudyal', 'Kafle', 'Upreti'
] as const;

/** Expats, NGO staff and visitors: about one contact in ten. */
export const internationalFirst = [
  'James', 'Emma', 'Olivia', 'Liam', 'Sophie', 'Lucas', 'Anna', 'David', 'Maria', 'Chen', 'Yuki', 'Aditya', 'Priyanka',
  'Tom', 'Sarah', 'Hannah', 'Daniel', 'Laura', 'Kenji', 'Mei', 'Rahul', 'Sneha', 'Pierre', 'Claire', 'Jonas', 'Ingrid'
] as const;

export const internationalLast = [
  'Smith', 'Johnson', 'Brown', 'Miller', 'Wilson', 'Taylor', 'Martin', 'Dubois', 'Schmidt', 'Müller', 'Rossi', 'Tanaka',
  'Sato', 'Wang', 'Li', 'Kim', 'Gupta', 'Verma', 'Patel', 'Agarwal', 'Jensen', 'Nielsen', 'Novak', "O'Brien"
] as const;

/** Sales region → cities in it (with postal codes) and its province; weights are the share of customers. */
export type City = { name: string; postalCode: string; streets: readonly string[] };
export type Region = { name: string; province: string; weight: number; areaCode: string; cities: readonly City[] };

export const regions: readonly Region[] = [
  {
    name: 'Kathmandu',
    province: 'Bagmati',
    weight: 45,
    areaCode: '1',
    cities: [
      { name: 'Kathmandu', postalCode: '44600', streets: ['New Road', 'Putalisadak', 'Baneshwor', 'Thamel', 'Maharajgunj', 'Kalanki', 'Chabahil', 'Koteshwor', 'Durbar Marg', 'Baluwatar'] },
      { name: 'Lalitpur', postalCode: '44700', streets: ['Jawalakhel', 'Pulchowk', 'Kupondole', 'Satdobato', 'Mangal Bazar', 'Ekantakuna'] },
      { name: 'Bhaktapur', postalCode: '44800', streets: ['Suryabinayak', 'Kamalbinayak', 'Sallaghari', 'Dudhpati'] },
      { name: 'Kirtipur', postalCode: '44618', streets: ['Naya Bazar', 'Panga', 'Chobhar'] },
      { name: 'Budhanilkantha', postalCode: '44622', streets: ['Narayanthan', 'Hattigauda', 'Chapali'] }
    ]
  },
  {
    name: 'Pokhara',
    province: 'Gandaki',
    weight: 15,
    areaCode: '61',
    cities: [
      { name: 'Pokhara', postalCode: '33700', streets: ['Lakeside', 'Chipledhunga', 'Mahendrapul', 'Prithvi Chowk', 'Srijana Chowk', 'Bagar'] },
      { name: 'Waling', postalCode: '33800', streets: ['Main Road', 'Bus Park'] },
      { name: 'Baglung', postalCode: '33300', streets: ['Bazaar Road', 'Tallo Bazaar'] },
      { name: 'Damauli', postalCode: '33900', streets: ['Byas Chowk', 'Main Road'] }
    ]
  },
  {
    name: 'Biratnagar',
    province: 'Koshi',
    weight: 15,
    areaCode: '21',
    cities: [
      { name: 'Biratnagar', postalCode: '56613', streets: ['Main Road', 'Traffic Chowk', 'Bargachhi', 'Roadcess Chowk', 'Jatuwa'] },
      { name: 'Itahari', postalCode: '56705', streets: ['Dharan Road', 'Biratnagar Road', 'Haat Line'] },
      { name: 'Dharan', postalCode: '56700', streets: ['Bhanu Chowk', 'Putali Line', 'Chatara Line'] },
      { name: 'Damak', postalCode: '57217', streets: ['Main Road', 'Bus Park'] },
      { name: 'Birtamod', postalCode: '57204', streets: ['Mechi Highway', 'Buttabari'] }
    ]
  },
  {
    name: 'Butwal',
    province: 'Lumbini',
    weight: 13,
    areaCode: '71',
    cities: [
      { name: 'Butwal', postalCode: '32907', streets: ['Traffic Chowk', 'Milan Chowk', 'Golpark', 'Amarpath'] },
      { name: 'Siddharthanagar', postalCode: '32900', streets: ['Bank Road', 'Buddha Chowk', 'Devkota Chowk'] },
      { name: 'Tansen', postalCode: '32500', streets: ['Shital Pati', 'Bhagwati Tole'] },
      { name: 'Tilottama', postalCode: '32903', streets: ['Manigram', 'Yogikuti'] }
    ]
  },
  {
    name: 'Chitwan',
    province: 'Bagmati',
    weight: 12,
    areaCode: '56',
    cities: [
      { name: 'Bharatpur', postalCode: '44200', streets: ['Narayangarh', 'Chaubiskothi', 'Pulchowk', 'Hakim Chowk', 'Lions Chowk'] },
      { name: 'Ratnanagar', postalCode: '44204', streets: ['Tandi', 'Sauraha Road'] },
      { name: 'Khairahani', postalCode: '44207', streets: ['Parsa Bazaar', 'Main Road'] },
      { name: 'Hetauda', postalCode: '44107', streets: ['Main Road', 'Bank Road', 'Buddha Chowk'] }
    ]
  }
];

export type Category =
  | 'High-end phones'
  | 'Budget phones'
  | 'Laptops'
  | 'TVs'
  | 'Phone cases'
  | 'Earbuds'
  | 'Chargers'
  | 'Smart watches'
  | 'Appliances'
  | 'Accessories';

export const categories: readonly Category[] = [
  'High-end phones', 'Budget phones', 'Laptops', 'TVs', 'Phone cases', 'Earbuds', 'Chargers', 'Smart watches', 'Appliances', 'Accessories'
];

/**
 * One catalogue entry. Prices are NPR (converted to paisa when records are made). `family` ties a phone to its
 * own case; `isDefective` marks the product with the quality problem the ticket data must reveal.
 */
export type CatalogueItem = {
  sku: string;
  name: string;
  category: Category;
  price: number;
  costShare: number;
  family?: string;
  isDefective?: boolean;
  description: string;
};

export const catalogue: readonly CatalogueItem[] = [
  { sku: 'PH-NX15P', name: 'Nova X15 Pro 256 GB', category: 'High-end phones', price: 149_999, costShare: 0.82, family: 'nova', description: '6.7" AMOLED, 50 MP triple camera, 5G.' },
  { sku: 'PH-NX15', name: 'Nova X15 128 GB', category: 'High-end phones', price: 119_999, costShare: 0.83, family: 'nova', description: '6.1" AMOLED, 50 MP dual camera, 5G.' },
  { sku: 'PH-OS24U', name: 'Orion S24 Ultra', category: 'High-end phones', price: 179_999, costShare: 0.8, family: 'orion', description: '6.8" display, stylus, 200 MP camera.' },
  { sku: 'PH-OS24', name: 'Orion S24', category: 'High-end phones', price: 109_999, costShare: 0.82, family: 'orion', description: '6.2" display, 50 MP camera, 5G.' },
  { sku: 'PH-PX9P', name: 'Pixelis 9 Pro', category: 'High-end phones', price: 129_999, costShare: 0.81, family: 'pixelis', description: 'Camera-first flagship with 7 years of updates.' },
  { sku: 'PH-KF5', name: 'Kaze Fold 5', category: 'High-end phones', price: 209_999, costShare: 0.79, family: 'kaze', description: 'Foldable 7.6" inner display.' },
  { sku: 'PH-VP20', name: 'Volta P20', category: 'Budget phones', price: 21_999, costShare: 0.86, isDefective: true, description: '6.5" display, 5,000 mAh battery, 33 W charging.' },
  { sku: 'PH-VP30', name: 'Volta P30', category: 'Budget phones', price: 27_999, costShare: 0.85, description: '6.6" display, 64 MP camera.' },
  { sku: 'PH-RW13C', name: 'Redwave 13C', category: 'Budget phones', price: 18_499, costShare: 0.87, description: 'Entry phone, 6.7" display, 4 GB RAM.' },
  { sku: 'PH-RWN13', name: 'Redwave Note 13', category: 'Budget phones', price: 29_999, costShare: 0.85, description: 'AMOLED, 108 MP camera.' },
  { sku: 'PH-ZA15', name: 'Zen A15', category: 'Budget phones', price: 24_999, costShare: 0.85, description: '6.5" 90 Hz display, 5,000 mAh.' },
  { sku: 'PH-ZA05', name: 'Zen A05s', category: 'Budget phones', price: 16_999, costShare: 0.88, description: 'Dual SIM, 4 GB RAM.' },
  { sku: 'LT-AB14', name: 'AeroBook 14 (i5, 16 GB)', category: 'Laptops', price: 104_999, costShare: 0.84, description: '14" IPS, 512 GB SSD, 1.3 kg.' },
  { sku: 'LT-AB15', name: 'AeroBook 15 (i7, 16 GB)', category: 'Laptops', price: 144_999, costShare: 0.83, description: '15.6" 144 Hz, 1 TB SSD.' },
  { sku: 'LT-VL14', name: 'VivoLite 14 Student', category: 'Laptops', price: 64_999, costShare: 0.86, description: 'Ryzen 5, 8 GB, 256 GB SSD.' },
  { sku: 'LT-TE14', name: 'ThinkEdge E14 Business', category: 'Laptops', price: 119_999, costShare: 0.84, description: 'Business laptop, 3-year warranty.' },
  { sku: 'LT-CH11', name: 'Chromia 11 Education', category: 'Laptops', price: 42_999, costShare: 0.85, description: 'Rugged 11.6" laptop for schools.' },
  { sku: 'TV-L43', name: 'Lumen 43" 4K Smart TV', category: 'TVs', price: 54_999, costShare: 0.82, description: '4K HDR, built-in streaming apps.' },
  { sku: 'TV-L55', name: 'Lumen 55" 4K Smart TV', category: 'TVs', price: 84_999, costShare: 0.81, description: '4K HDR, Dolby Audio.' },
  { sku: 'TV-L65Q', name: 'Lumen 65" QLED', category: 'TVs', price: 149_999, costShare: 0.8, description: 'QLED, 120 Hz.' },
  { sku: 'TV-S32', name: 'Sonix 32" HD LED', category: 'TVs', price: 24_999, costShare: 0.84, description: 'HD ready, 2 HDMI.' },
  { sku: 'CS-NX15', name: 'Nova X15 clear case', category: 'Phone cases', price: 1_499, costShare: 0.35, family: 'nova', description: 'Clear shock-proof case.' },
  { sku: 'CS-OS24', name: 'Orion S24 armour case', category: 'Phone cases', price: 1_999, costShare: 0.35, family: 'orion', description: 'Rugged case with kickstand.' },
  { sku: 'CS-PX9', name: 'Pixelis 9 slim case', category: 'Phone cases', price: 1_699, costShare: 0.35, family: 'pixelis', description: 'Slim fabric case.' },
  { sku: 'CS-KF5', name: 'Kaze Fold 5 hinge case', category: 'Phone cases', price: 2_499, costShare: 0.36, family: 'kaze', description: 'Case with hinge protection.' },
  { sku: 'CS-UNI', name: 'Universal silicone case', category: 'Phone cases', price: 699, costShare: 0.3, description: 'Fits most 6.1–6.7" phones.' },
  { sku: 'CS-FLIP', name: 'Leather flip cover', category: 'Phone cases', price: 1_299, costShare: 0.35, description: 'Flip cover with card slot.' },
  { sku: 'EB-ATP', name: 'AirTune Pro ANC earbuds', category: 'Earbuds', price: 14_999, costShare: 0.6, description: 'Active noise cancelling, wireless charging case.' },
  { sku: 'EB-ATL', name: 'AirTune Lite earbuds', category: 'Earbuds', price: 4_999, costShare: 0.55, description: '24 h battery with case.' },
  { sku: 'EB-BP2', name: 'BassPods 2', category: 'Earbuds', price: 2_999, costShare: 0.5, description: 'Bass-boosted wireless earbuds.' },
  { sku: 'EB-STS', name: 'Sonix TWS Sport', category: 'Earbuds', price: 3_999, costShare: 0.52, description: 'Sweat-proof ear hooks.' },
  { sku: 'CH-GAN65', name: '65 W GaN fast charger', category: 'Chargers', price: 3_499, costShare: 0.45, description: 'Charges a laptop and a phone together.' },
  { sku: 'CH-C25', name: '25 W USB-C charger', category: 'Chargers', price: 1_499, costShare: 0.45, description: 'PD fast charging.' },
  { sku: 'CH-PB20', name: '20,000 mAh power bank', category: 'Chargers', price: 3_999, costShare: 0.5, description: 'Two USB-C ports, 22.5 W.' },
  { sku: 'CH-CBL2', name: 'USB-C cable 2 m', category: 'Chargers', price: 599, costShare: 0.3, description: 'Braided, 60 W.' },
  { sku: 'CH-CAR', name: 'Car charger dual USB', category: 'Chargers', price: 999, costShare: 0.4, description: '12/24 V, two ports.' },
  { sku: 'SW-PW3', name: 'Pulse Watch 3', category: 'Smart watches', price: 24_999, costShare: 0.7, description: 'GPS, heart rate, 7-day battery.' },
  { sku: 'SW-PB8', name: 'Pulse Band 8', category: 'Smart watches', price: 5_999, costShare: 0.6, description: 'Fitness band with AMOLED screen.' },
  { sku: 'SW-OW6', name: 'Orion Watch 6', category: 'Smart watches', price: 39_999, costShare: 0.72, description: 'LTE smartwatch.' },
  { sku: 'AP-AC15', name: 'Himal 1.5-ton inverter AC', category: 'Appliances', price: 95_000, costShare: 0.8, description: 'Inverter split AC with installation.' },
  { sku: 'AP-FR260', name: 'FrostLine 260 L refrigerator', category: 'Appliances', price: 62_999, costShare: 0.8, description: 'Double door, frost free.' },
  { sku: 'AP-WM7', name: 'WashPro 7 kg washing machine', category: 'Appliances', price: 48_999, costShare: 0.8, description: 'Front load, 1200 rpm.' },
  { sku: 'AP-MW25', name: 'Microwave oven 25 L', category: 'Appliances', price: 16_999, costShare: 0.75, description: 'Convection and grill.' },
  { sku: 'AP-RC18', name: 'Rice cooker 1.8 L', category: 'Appliances', price: 4_499, costShare: 0.65, description: 'Keeps warm for 12 h.' },
  { sku: 'AP-RH20', name: 'Room heater 2000 W', category: 'Appliances', price: 6_999, costShare: 0.7, description: 'Oil-filled, 9 fins.' },
  { sku: 'AP-RO', name: 'RO water purifier', category: 'Appliances', price: 22_999, costShare: 0.72, description: '8-stage purification, 10 L tank.' },
  { sku: 'AP-IND', name: 'Induction cooktop', category: 'Appliances', price: 5_999, costShare: 0.68, description: '2000 W, 8 presets.' },
  { sku: 'AC-SGP', name: 'Tempered glass screen protector', category: 'Accessories', price: 499, costShare: 0.25, description: 'Fitted free in store.' },
  { sku: 'AC-SD64', name: '64 GB microSD card', category: 'Accessories', price: 1_199, costShare: 0.5, description: 'Class 10, A1.' },
  { sku: 'AC-BAG', name: 'Laptop backpack', category: 'Accessories', price: 2_999, costShare: 0.45, description: 'Fits 15.6" laptops, rain cover.' },
  { sku: 'AC-MOU', name: 'Wireless mouse', category: 'Accessories', price: 1_299, costShare: 0.45, description: '2.4 GHz, silent clicks.' },
  { sku: 'AC-HDMI', name: 'HDMI cable 2 m', category: 'Accessories', price: 699, costShare: 0.3, description: '4K 60 Hz.' },
  { sku: 'AC-WMB', name: 'TV wall-mount bracket', category: 'Accessories', price: 2_499, costShare: 0.45, description: 'Tilting, 32–65".' },
  { sku: 'AC-STB', name: 'Voltage stabiliser 1 kVA', category: 'Accessories', price: 5_499, costShare: 0.6, description: 'For TVs, fridges and washing machines.' },
  { sku: 'AC-EXT', name: 'Surge-protected extension board', category: 'Accessories', price: 1_499, costShare: 0.45, description: '4 sockets, 2 USB.' }
];

/** Kinds of account the shop sells to, with how common each is and how its name is made. */
export const businessKinds = ['school', 'office', 'hotel', 'shop', 'clinic', 'ngo', 'bank'] as const;
export type BusinessKind = (typeof businessKinds)[number];

export const placeWords = [
  'Everest', 'Annapurna', 'Himalayan', 'Sagarmatha', 'Machhapuchhre', 'Phewa', 'Koshi', 'Gandaki', 'Bagmati', 'Janaki',
  'Lumbini', 'Shivapuri', 'Nilgiri', 'Dhaulagiri', 'Makalu', 'Kanchenjunga', 'Rara', 'Tilicho', 'Manaslu', 'Langtang',
  'Nagarkot', 'Chandragiri', 'Siddhartha', 'Mechi', 'Mahakali', 'Rapti', 'Narayani', 'Trishuli', 'Barahi', 'Pashupati',
  'Swayambhu', 'Bhrikuti', 'Arniko', 'Gautam', 'Mount View', 'Green Valley', 'Sunrise', 'Golden Gate', 'Lotus', 'Rhododendron'
] as const;

export const nameParts: Record<BusinessKind, { prefix?: readonly string[]; suffix: readonly string[]; industry: string; domain: string }> = {
  school: { suffix: ['Secondary School', 'English Boarding School', 'Academy', 'College', 'Vidya Mandir', 'Higher Secondary School'], industry: 'Education', domain: 'edu.np' },
  office: { suffix: ['Pvt. Ltd.', 'Consultancy Pvt. Ltd.', 'Engineering Pvt. Ltd.', 'Travels & Tours', 'Builders Pvt. Ltd.', 'IT Solutions'], industry: 'Professional services', domain: 'com.np' },
  hotel: { prefix: ['Hotel', 'The'], suffix: ['Resort', 'Guest House', 'Hotel & Spa', 'Lodge', 'Restaurant & Bar'], industry: 'Hospitality', domain: 'com.np' },
  shop: { suffix: ['Mobile Centre', 'Traders', 'Suppliers', 'Digital Store', 'Enterprises', 'Stores'], industry: 'Retail', domain: 'com.np' },
  clinic: { suffix: ['Hospital', 'Polyclinic', 'Medical Centre', 'Eye Care', 'Dental Clinic'], industry: 'Healthcare', domain: 'org.np' },
  ngo: { suffix: ['Foundation', 'Youth Club', 'Women Development Centre', 'Community Trust'], industry: 'Non-profit', domain: 'org.np' },
  bank: { suffix: ['Saving & Credit Co-operative', 'Microfinance', 'Development Bank'], industry: 'Finance', domain: 'com.np' }
};

/** The team: one rep per region (two in Kathmandu), managers, service agents and marketing. */
export const team = [
  { key: 'admin', name: 'Anil Shrestha', role: 'admin', team: 'Management', region: 'Kathmandu' },
  { key: 'sales-head', name: 'Sunita Maharjan', role: 'manager', team: 'Sales', region: 'Kathmandu' },
  { key: 'rep-ktm-1', name: 'Rajesh Thapa', role: 'rep', team: 'Sales', region: 'Kathmandu' },
  { key: 'rep-ktm-2', name: 'Priya Karki', role: 'rep', team: 'Sales', region: 'Kathmandu' },
  { key: 'rep-pkr', name: 'Bikash Gurung', role: 'rep', team: 'Sales', region: 'Pokhara' },
  { key: 'rep-brt', name: 'Sagar Rai', role: 'rep', team: 'Sales', region: 'Biratnagar' },
  { key: 'rep-btl', name: 'Anjali Yadav', role: 'rep', team: 'Sales', region: 'Butwal' },
  { key: 'rep-ctw', name: 'Dipendra Chaudhary', role: 'rep', team: 'Sales', region: 'Chitwan' },
  { key: 'service-head', name: 'Kabita Sharma', role: 'manager', team: 'Service', region: 'Kathmandu' },
  { key: 'service-1', name: 'Manish Tamang', role: 'service', team: 'Service', region: 'Kathmandu' },
  { key: 'service-2', name: 'Rina Bhattarai', role: 'service', team: 'Service', region: 'Pokhara' },
  { key: 'marketing', name: 'Nisha Pradhan', role: 'marketing', team: 'Marketing', region: 'Kathmandu' }
] as const;

export const personalEmailDomains = ['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com'] as const;

export const jobTitles: Record<BusinessKind, readonly string[]> = {
  school: ['Principal', 'Vice principal', 'Accountant', 'IT teacher', 'Admin officer', 'Purchase officer'],
  office: ['Managing director', 'Office manager', 'IT officer', 'Finance manager', 'Procurement officer', 'HR manager'],
  hotel: ['General manager', 'Front office manager', 'Owner', 'Purchase manager', 'Maintenance head'],
  shop: ['Owner', 'Proprietor', 'Store manager', 'Partner'],
  clinic: ['Medical director', 'Administrator', 'IT officer', 'Purchase officer'],
  ngo: ['Programme coordinator', 'Executive director', 'Finance officer', 'Admin officer'],
  bank: ['Branch manager', 'IT officer', 'Operations head', 'Procurement officer']
};
