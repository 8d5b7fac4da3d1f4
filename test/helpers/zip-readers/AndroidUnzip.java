import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.security.MessageDigest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a zip the way the Capgo plugin's Android unzip does (ZipInputStream over a
 * BufferedInputStream, entry after entry: 8.51.14:android/src/main/java/ee/forgr/capacitor_updater/CapgoUpdater.java:318-373)
 * and prints "<sha256> <size> <name>" per file; ZipInputStream itself checks each CRC-32.
 */
public class AndroidUnzip {
  public static void main(String[] args) throws Exception {
    try (ZipInputStream zis = new ZipInputStream(new BufferedInputStream(new FileInputStream(args[0])))) {
      byte[] buffer = new byte[8192];
      ZipEntry entry;
      while ((entry = zis.getNextEntry()) != null) {
        if (entry.isDirectory()) continue;
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long size = 0;
        int count;
        while ((count = zis.read(buffer)) != -1) {
          sha.update(buffer, 0, count);
          size += count;
        }
        StringBuilder hex = new StringBuilder();
        for (byte b : sha.digest()) hex.append(String.format("%02x", b));
        System.out.println(hex + " " + size + " " + entry.getName());
      }
    }
  }
}
