/**
 * Reads what a model answered (OpenAI-compatible JSON bodies and event streams) as the bytes pass, in
 * place and in constant memory; start at {@link dev.fader.observe.AnswerReader}.
 */
package dev.fader.observe;
