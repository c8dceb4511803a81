#!/usr/bin/env node
/**
 * The `sel` command line: commander wiring only. Every command is a library call; this file
 * parses options, picks the renderer, and turns the outcome into an exit status:
 * 0 nothing at or above --fail-on, 1 findings at or above it, 2 verification not possible
 * (bad arguments, unreadable input), with one sentence on standard error and no stack trace.
 */
import { Command } from 'commander';
export declare function buildProgram(): Command;
export declare function main(argv: readonly string[]): Promise<number>;
