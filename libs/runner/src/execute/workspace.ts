import { IncompleteMarkers, InstanceRecords, ObjectStore, WorkspaceLayout } from '../store/index.js';

/** The state of one workspace: where files go, the object store, cache records and incomplete markers. */
export class Workspace {
  readonly layout: WorkspaceLayout;
  readonly objects: ObjectStore;
  readonly records: InstanceRecords;
  readonly markers: IncompleteMarkers;

  constructor(directory: string) {
    this.layout = new WorkspaceLayout(directory);
    this.objects = new ObjectStore(this.layout.objects, { stagingDir: this.layout.tmp });
    this.records = new InstanceRecords(this.layout.instances, this.objects);
    this.markers = new IncompleteMarkers(this.layout.incomplete);
  }
}
