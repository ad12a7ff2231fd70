// A page of a list: how many rows to skip and how many to return.
export interface Page {
  offset: number;
  limit: number;
}
