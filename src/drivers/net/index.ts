// Registers every tsdpdk PMD (DPDK links all drivers into its apps; import this module for the same).
import '../bus/vdev/vdev.js';
import './ring/ring_ethdev.js';
import './null/null_ethdev.js';
import './pcap/pcap_ethdev.js';
import './af_packet/af_packet_ethdev.js';
import './tap/tap_ethdev.js';
