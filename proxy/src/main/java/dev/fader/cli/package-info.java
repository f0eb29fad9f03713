/** The command line: run, validate, explain, simulate and demo, as the contract's section 4 names them. */
package dev.fader.cli;
