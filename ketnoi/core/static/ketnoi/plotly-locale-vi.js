// Vietnamese for plotly's toolbar, tooltips and dates, kept here (never from a CDN). Same shape as plotly.js's
// own dist/plotly-locale-*.js files: Plotly.register({moduleType: "locale", ...}); charts pass {locale: "vi"}.
(function () {
  function register() {
    if (!window.Plotly || window.Plotly.__ketnoiVi) { return; }
    window.Plotly.__ketnoiVi = true;
    window.Plotly.register({
      moduleType: "locale",
      name: "vi",
      dictionary: {
        "Autoscale": "Tự co giãn",
        "Box Select": "Chọn vùng chữ nhật",
        "Click to enter Colorscale title": "Nhấp để nhập tên thang màu",
        "Click to enter Component A title": "Nhấp để nhập tên thành phần A",
        "Click to enter Plot title": "Nhấp để nhập tên biểu đồ",
        "Click to enter X axis title": "Nhấp để nhập tên trục hoành",
        "Click to enter Y axis title": "Nhấp để nhập tên trục tung",
        "Compare data on hover": "So sánh số liệu khi rê chuột",
        "Double-click on legend to isolate one trace": "Nhấp đúp vào chú giải để chỉ xem một chuỗi",
        "Double-click to zoom back out": "Nhấp đúp để thu về",
        "Download plot": "Tải biểu đồ",
        "Download plot as a png": "Tải biểu đồ dạng ảnh PNG",
        "Download plot as a PNG": "Tải biểu đồ dạng ảnh PNG",
        "Edit in Chart Studio": "Sửa trong Chart Studio",
        "IE only supports svg.  Changing format to svg.": "Trình duyệt chỉ hỗ trợ SVG, chuyển sang SVG.",
        "Lasso Select": "Chọn tự do",
        "Orbital rotation": "Xoay quanh",
        "Pan": "Kéo biểu đồ",
        "Produced with Plotly.js": "Vẽ bằng Plotly.js",
        "Reset": "Đặt lại",
        "Reset axes": "Đặt lại trục",
        "Reset camera to default": "Đặt lại góc nhìn",
        "Reset camera to last save": "Trở lại góc nhìn đã lưu",
        "Reset view": "Đặt lại khung nhìn",
        "Reset views": "Đặt lại các khung nhìn",
        "Show closest data on hover": "Hiện số liệu gần nhất khi rê chuột",
        "Snapshot succeeded": "Đã chụp biểu đồ",
        "Sorry, there was a problem downloading your snapshot!": "Xin lỗi, không tải được ảnh biểu đồ!",
        "Taking snapshot - this may take a few seconds": "Đang chụp biểu đồ, xin chờ vài giây",
        "Toggle Spike Lines": "Bật/tắt đường gióng",
        "Toggle show closest data on hover": "Bật/tắt hiện số liệu gần nhất",
        "Turntable rotation": "Xoay bàn",
        "Zoom": "Phóng vùng",
        "Zoom in": "Phóng to",
        "Zoom out": "Thu nhỏ",
        "close:": "đóng:",
        "concentration:": "nồng độ:",
        "trace": "chuỗi",
        "lat:": "vĩ độ:",
        "lon:": "kinh độ:",
        "q1:": "tứ phân vị 1:",
        "q3:": "tứ phân vị 3:",
        "source:": "nguồn:",
        "target:": "đích:",
        "lower fence:": "cận dưới:",
        "upper fence:": "cận trên:",
        "max:": "lớn nhất:",
        "mean ± σ:": "trung bình ± σ:",
        "mean:": "trung bình:",
        "median:": "trung vị:",
        "min:": "nhỏ nhất:",
        "new text": "chữ mới",
        "open:": "mở:",
        "high:": "cao:",
        "low:": "thấp:",
        "incoming flow count:": "số luồng vào:",
        "outgoing flow count:": "số luồng ra:",
        "kde:": "mật độ:"
      },
      format: {
        days: ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
        shortDays: ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
        months: ["Tháng 1", "Tháng 2", "Tháng 3", "Tháng 4", "Tháng 5", "Tháng 6", "Tháng 7", "Tháng 8",
                 "Tháng 9", "Tháng 10", "Tháng 11", "Tháng 12"],
        shortMonths: ["Th1", "Th2", "Th3", "Th4", "Th5", "Th6", "Th7", "Th8", "Th9", "Th10", "Th11", "Th12"],
        date: "%d/%m/%Y",
        decimal: ",",
        thousands: "."
      }
    });
  }
  register();
  document.addEventListener("DOMContentLoaded", register);
})();
