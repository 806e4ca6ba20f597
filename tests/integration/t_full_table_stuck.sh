#!/bin/bash
# SPDX-License-Identifier: ISC
# T_TIMEOUT=300
# t_full_table_stuck: t_full_table with a member that reads nothing while
# the full table comes (output flow control; see FT_STUCK there).  The hold
# time is the usual 90 s: the frozen member must outlive the load.
export FT_STUCK=1 LAB_HOLD=${LAB_HOLD:-90}
exec bash "$(dirname "$0")/t_full_table.sh"
