"""The run manifest (`results/{run}/manifest.json`): config, code version, software,
machine, and the sha256 of every input from outside results/ and every final output."""
