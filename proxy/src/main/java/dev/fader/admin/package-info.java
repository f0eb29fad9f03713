/**
 * The admin HTTP API (health, status, metrics, reload, feedback, rollout control) and the live page it
 * serves; start at {@link dev.fader.admin.AdminServer}, the page at {@link dev.fader.admin.History}.
 */
package dev.fader.admin;
