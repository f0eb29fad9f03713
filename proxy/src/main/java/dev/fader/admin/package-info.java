/** The admin HTTP API: health, status, Prometheus metrics, reload, explicit feedback and rollout control. */
package dev.fader.admin;
