/** Per device: the seqs already ingested (JSON ranges) and the last session counter seen. */
export interface IngestCursorsTable {
  site_id: string;
  device_id: string;
  /** `SeqRanges` as JSON: `[[1, 5000], [5003, 5010]]`. */
  seen: string;
  session: number;
  updated_at: number;
}
