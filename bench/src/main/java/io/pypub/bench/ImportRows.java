package io.pypub.bench;

import io.pypub.core.lifecycle.ReleaseImporter;
import io.pypub.core.release.Release;
import io.pypub.core.release.Stage;
import io.pypub.core.storage.AwsClients;
import io.pypub.core.storage.DynamoVersionTable;
import io.pypub.core.storage.StorageProvisioner;
import io.pypub.embedded.EmbeddedAws;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Issue 18, target 2, as rows of the scale report: the scale benchmark's big stage is brought in by a real
 * {@code pypub import} from a static index ({@link IndexImport}) instead of batch writes, which also gives it real
 * objects; before it, a smaller index imported one file at a time and with the default parallelism (same run, so
 * their ratio holds); after it, the record step of a publish against that table and against an empty one; and at
 * the end, the peak memory of the embedded S3 and DynamoDB servers.
 */
final class ImportRows {
    static final double TARGET_FILES_PER_SECOND = 50;
    static final double TARGET_RECORD_RATIO = 2.0;
    static final long TARGET_SERVER_KB = 1024 * 1024;

    private final Path work;
    private final EmbeddedDeployments aws;
    private final AwsClients clients;
    private final int parallel = ReleaseImporter.defaultParallel();
    private final List<List<String>> importRows = new ArrayList<>();
    private IndexImport.Run big;
    private double sampleRatio = Double.NaN;
    private double[] record;
    private final List<List<String>> memoryRows = new ArrayList<>();
    private long peakServerKb;

    ImportRows(Path work, EmbeddedDeployments aws, AwsClients clients) {
        this.work = work;
        this.aws = aws;
        this.clients = clients;
    }

    /** The sample at 1 and at the default parallelism, then {@code projects} (one release each) into {@code stage}. */
    void importStage(Stage stage, List<String> projects) throws Exception {
        int sampleProjects = Bench.intSetting("importSampleProjects", 40);
        int sampleReleases = Bench.intSetting("importSampleReleases", 5);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < sampleProjects; i++) {
            names.add(String.format("s%04d", i));
        }
        try (IndexImport sample = new IndexImport(work.resolve("import-sample"), names, sampleReleases)) {
            IndexImport.Run serial = timed(sample, Stage.of("sample-serial"), 1, sampleProjects + " projects x " + sampleReleases
                    + " releases, 1 at a time");
            IndexImport.Run parallelRun = timed(sample, Stage.of("sample-parallel"), parallel, "the same, " + parallel
                    + " at a time (default)");
            sampleRatio = parallelRun.filesPerSecond() / serial.filesPerSecond();
        }
        try (IndexImport index = new IndexImport(work.resolve("import-big"), projects, 1)) {
            big = timed(index, stage, parallel, projects.size() + " projects x 1 release, " + parallel + " at a time (the scale stage)");
        }
    }

    /** One import, with the CPU time each process spent on it (this JVM: importer and static index). */
    private IndexImport.Run timed(IndexImport index, Stage stage, int parallel, String what) throws Exception {
        long[] pids = {ProcessHandle.current().pid(), aws.s3Pid(), aws.dynamoPid()};
        long[] before = new long[pids.length];
        for (int i = 0; i < pids.length; i++) {
            before[i] = cpuMillis(pids[i]);
        }
        IndexImport.Run run = index.importInto(clients, stage, parallel);
        List<String> row = new ArrayList<>(List.of(what, Integer.toString(run.files()), Report.fmt(run.seconds(), 1),
                "**" + Report.fmt(run.filesPerSecond(), 1) + "**"));
        for (int i = 0; i < pids.length; i++) {
            row.add(Report.fmt((cpuMillis(pids[i]) - before[i]) / (double) run.files(), 1));
        }
        importRows.add(row);
        return run;
    }

    /** CPU time (user + system) a process has used, from /proc/PID/stat (clock ticks of 10 ms). */
    private static long cpuMillis(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10; // utime and stime, fields 14 and 15
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    /**
     * The record step of a publish ({@code DynamoVersionTable.recordReplacing} of a new version, as ReleaseWriter calls it)
     * of {@code count} projects of {@code stage}, which hold one release each, against the same projects in an empty table
     * (their first release recorded there untimed); alternating, so both see the same machine. Median ms of each.
     */
    void recordCost(DynamoVersionTable full, Stage stage, List<String> projects, String emptyTable) {
        new StorageProvisioner(clients).ensureTable(emptyTable);
        DynamoVersionTable empty = new DynamoVersionTable(clients.dynamo(), emptyTable);
        for (String p : projects) {
            empty.recordReplacing(ScaleBenchmark.release(stage, p, "1.0"), null);
        }
        List<Double> fullMs = new ArrayList<>();
        List<Double> emptyMs = new ArrayList<>();
        for (int i = 0; i < projects.size(); i++) {
            Release next = ScaleBenchmark.release(stage, projects.get(i), "2.0");
            if (i % 2 == 0) {
                fullMs.add(timeRecord(full, next));
                emptyMs.add(timeRecord(empty, next));
            } else {
                emptyMs.add(timeRecord(empty, next));
                fullMs.add(timeRecord(full, next));
            }
        }
        record = new double[] {Report.median(fullMs), Report.median(emptyMs), projects.size()};
        System.out.printf("[bench] record of a new release: %.1f ms at %s, %.1f ms in an empty table%n", record[0],
                full.tableName(), record[1]);
    }

    private static double timeRecord(DynamoVersionTable table, Release release) {
        long start = System.nanoTime();
        table.recordReplacing(release, null);
        return (System.nanoTime() - start) / 1e6;
    }

    /** Peak (VmHWM) and current resident memory of each embedded server, over the whole run so far. */
    void serverMemory() {
        serverMemory("S3 (" + EmbeddedAws.s3ServerName() + ")", aws.s3Pid());
        serverMemory("DynamoDB (moto, one request at a time)", aws.dynamoPid());
    }

    private void serverMemory(String server, long pid) {
        long peak = ProcessMemory.status(pid, "VmHWM");
        peakServerKb = Math.max(peakServerKb, peak);
        memoryRows.add(List.of(server, Report.fmt(peak / 1024.0, 1), Report.fmt(ProcessMemory.status(pid, "VmRSS") / 1024.0, 1)));
    }

    void addTo(Report report) {
        report.line("")
                .line("Import (issue 18, target 2): `pypub import URL` as the command runs it (`SimpleIndexMirror` downloads every "
                        + "file and checks its sha256, then `ReleaseImporter` inspects, uploads with PEP 658 metadata, verifies and "
                        + "records each release) from a static PEP 691 index served on loopback by the benchmark, one generated "
                        + "sdist of about 250 bytes per release; seconds from the first request to the index to the last record. The "
                        + "big stage below is this import (before: batch writes).")
                .table(List.of("import", "files", "s", "files/s", "CPU ms/file: this JVM", "S3 server", "DynamoDB server"), importRows)
                .line("Parallel / one at a time on the same sample: **" + Report.fmt(sampleRatio, 2) + "x** the files/s.");
        if (record != null) {
            report.line("Record step of a publish (`DynamoVersionTable.recordReplacing` of a new version of a project with one "
                    + "release; " + (int) record[2] + " records alternating between the tables, medians): "
                    + Report.fmt(record[0], 1) + " ms in the table holding the big stage, " + Report.fmt(record[1], 1)
                    + " ms in an empty table; ratio **" + Report.fmt(record[0] / record[1], 2) + "**.");
        }
        report.line("")
                .line("Embedded servers' resident memory after the import and the page loads (peak: VmHWM, over the whole "
                        + "benchmark run so far):")
                .table(List.of("server", "peak RSS MiB", "RSS now MiB"), memoryRows);
        if (big != null) {
            report.target("18.2: `pypub import` of " + big.files() + " releases, files/s (" + parallel + " at a time)",
                    big.filesPerSecond(), ">= " + Report.fmt(TARGET_FILES_PER_SECOND, 0), big.filesPerSecond() >= TARGET_FILES_PER_SECOND);
        }
        if (record != null) {
            double ratio = record[0] / record[1];
            report.target("18.2: record step, table with the big stage / empty table", ratio,
                    "<= " + Report.fmt(TARGET_RECORD_RATIO, 1), ratio <= TARGET_RECORD_RATIO);
        }
        if (!memoryRows.isEmpty()) {
            report.target("18.2: peak RSS of each embedded server (S3: " + EmbeddedAws.s3ServerName() + ", DynamoDB: moto)", Report.fmt(peakServerKb / 1024.0, 1)
                    + " MiB (the larger)", "< 1 GiB each", peakServerKb < TARGET_SERVER_KB);
        }
    }
}
