/** Who gets which variant: user keys, murmur3 buckets, layers and splits compiled into one immutable table. */
package dev.fader.routing;
