// The memcg statistics model: enums, index maps, counters and accessor summaries behind the
// bpf_mem_cgroup_* stat kfuncs. Data lives in ./memcg/; this file assembles the model.
import type { SemanticsModel } from '../model-types.js';
import { FOR_ALL_ZONES, MEMCG_ENUMS } from './memcg/enums.js';
import { MEMCG_PROFILES } from './memcg/profiles.js';
import { MEMCG_SUMMARIES } from './memcg/summaries.js';
import { MEMCG_CONSTANTS, MEMCG_TABLES } from './memcg/tables.js';

export const memcgModel: SemanticsModel = {
  id: 'memcg',
  description: 'memory cgroup statistics and events (mm/memcontrol.c, v6.18/v6.19 layout)',
  profiles: MEMCG_PROFILES,
  expansions: [FOR_ALL_ZONES],
  enums: MEMCG_ENUMS,
  constants: MEMCG_CONSTANTS,
  tables: MEMCG_TABLES,
  summaries: MEMCG_SUMMARIES,
};
