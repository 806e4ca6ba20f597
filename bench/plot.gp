# bench/plot.gp — convergence time and route-server RSS per workload.
# gnuplot -e "dat='bench/out/plot.dat'; out='bench/results.png'; ncols=N" bench/plot.gp
# plot.dat (written by bench/report.py): workload, then per route server a
# column pair (convergence s, peak RSS MB); "?" = no result.  A workload
# marked * ran scaled down for at least one route server (see RESULTS.md).
set terminal pngcairo size 1400,560 font "sans,10"
set output out
set datafile missing "?"
set key autotitle columnhead top left
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set multiplot layout 1,2 title "ixpd vs BIRD 2 / OpenBGPD / FRR / GoBGP as route servers (medians, 2 cores; * = scaled for some route servers, see RESULTS.md; W5 bars: initial convergence)"
set title "time from first UPDATE to every member complete (s, log scale)"
set logscale y
set yrange [0.01:*]
plot for [i=1:ncols] dat using 2*i:xtic(1) title columnhead(2*i) lc i
set title "route-server peak RSS, all processes (MB, log scale)"
set yrange [1:*]
plot for [i=1:ncols] dat using 2*i+1:xtic(1) title columnhead(2*i+1) lc i
unset multiplot
