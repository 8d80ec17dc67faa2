suppressMessages(library(forecast))
a <- commandArgs(TRUE)
d <- read.csv(a[1], stringsAsFactors = FALSE)   # team, t, value (t 0-based slot, month of year = (first + t) %% 12)
jobs <- read.csv(a[2], stringsAsFactors = FALSE) # team, origin, hmax
first <- as.integer(a[4])
out <- list(); k <- 0
tm <- c(ets = 0, arima = 0)
jt <- data.frame(team = jobs$team, origin = jobs$origin, hmax = jobs$hmax, ets_s = 0, arima_s = 0)
series <- split(d, d$team)
for (r in seq_len(nrow(jobs))) {
  s <- series[[jobs$team[r]]]
  o <- jobs$origin[r]; H <- jobs$hmax[r]
  v <- rep(NA_real_, o + 1); keep <- s$t <= o; v[s$t[keep] + 1] <- s$value[keep]
  st <- min(which(!is.na(v)))
  v <- v[st:(o + 1)]
  if (anyNA(v)) v <- as.numeric(na.interp(ts(v, frequency = 12)))
  y <- ts(v, frequency = 12, start = c(0, (first + st - 1) %% 12 + 1))
  for (m in c("ets", "arima")) {
    t0 <- proc.time()[["elapsed"]]
    f <- tryCatch({
      fit <- if (m == "ets") ets(y) else auto.arima(y)
      forecast(fit, h = H, level = 95)
    }, error = function(e) NULL)
    dt <- proc.time()[["elapsed"]] - t0
    tm[[m]] <- tm[[m]] + dt
    jt[r, paste0(m, "_s")] <- dt
    if (is.null(f)) next
    k <- k + 1
    out[[k]] <- data.frame(team = jobs$team[r], origin = o, horizon = 1:H, model = m,
                           forecast = as.numeric(f$mean), lower = as.numeric(f$lower[, 1]), upper = as.numeric(f$upper[, 1]))
  }
}
write.csv(do.call(rbind, out), a[3], row.names = FALSE)
write.csv(jt, paste0(a[3], ".jobs"), row.names = FALSE)  # per-job R times (the script's cache keeps them)
cat(sprintf("%.6f,%.6f\n", tm[["ets"]], tm[["arima"]]), file = paste0(a[3], ".time"))
