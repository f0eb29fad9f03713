/** The command line of the contract's section 4 (run, validate, explain, simulate, demo); start at {@link dev.fader.cli.Main}. */
package dev.fader.cli;
