/** The admin HTTP API (health, status, metrics, reload, feedback, rollout control); start at {@link dev.fader.admin.AdminServer}. */
package dev.fader.admin;
