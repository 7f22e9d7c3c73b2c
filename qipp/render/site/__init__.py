"""Where it lands: the stage, publishing, the manifest, the index and the offline pages."""
