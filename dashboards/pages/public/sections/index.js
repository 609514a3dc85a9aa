// The dashboard's sections, in page order. A new section (incidents, projects, budget) is a
// module beside these and one line here; its data is the feed section of the same name
// (cloud-api/src/public-feed/), or its own request.

import { energySection } from './energy.js';
import { historySection } from './history.js';
import { lightingSection } from './lighting.js';

export const SECTIONS = [energySection, lightingSection, historySection];
