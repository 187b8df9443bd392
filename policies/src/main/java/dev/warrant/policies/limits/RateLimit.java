package dev.warrant.policies.limits;

/**
 * One token-bucket setting: {@code burst} calls at once, refilled at {@code ratePerSecond}.
 *
 * @param ratePerSecond sustained calls per second, positive (fractions allowed: 0.5 = one call every 2 s)
 * @param burst         bucket capacity, at least 1
 */
public record RateLimit(double ratePerSecond, int burst) {

    public RateLimit {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be a positive number");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst must be at least 1");
        }
    }

    @Override
    public String toString() {
        return ratePerSecond + "/s (burst " + burst + ")";
    }
}
